from stats.rollups import rollups_rebuild


def load(stdout) -> None:
    """Build the rollups for the demo data, whichever way it was written."""
    stdout.write(f"統計の集計を作り直しました: {rollups_rebuild()} 件の月次区分\n")
