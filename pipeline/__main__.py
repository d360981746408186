from pipeline.cli.main import main

# The guard matters: a spawned helper process imports this module again.
if __name__ == "__main__":
    raise SystemExit(main())
