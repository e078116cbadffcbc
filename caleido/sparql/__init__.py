"""SPARQL for researchers: a read-only SPARQL 1.1 endpoint over the graph and its ontology, served by pyoxigraph
from a projection kept in step with every write. Sits above loaders (it reads what the export writes) and
below api."""
