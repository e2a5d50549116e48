from rawi.cli import app

app(prog_name="rawi")
