from kgraph.cli.app import console_main

console_main()
