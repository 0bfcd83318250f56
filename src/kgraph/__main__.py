from kgraph.cli.app import main

raise SystemExit(main())
