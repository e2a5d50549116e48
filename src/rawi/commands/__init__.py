"""Sub-commands of `rawi`, one module per stage; each exposes typer commands that cli.py registers.

Commands stay thin: they parse options, call the stage, and print.
"""
