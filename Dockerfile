# Caleido command line in a container; with docker-compose.yml it loads the seed into Neo4j.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY caleido ./caleido
COPY seed ./seed
RUN pip install --no-cache-dir -e .
ENV CALEIDO_STORE=embedded:/data/caleido
ENTRYPOINT ["caleido"]
CMD ["run"]
