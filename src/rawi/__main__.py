from rawi.cli import run

run()
