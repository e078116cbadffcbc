"""The floor beside every figure: each use case's answer computed by DuckDB from Parquet files of the same graph,
checked equal to Caleido's, and timed beside it (issue 19, point 3)."""
