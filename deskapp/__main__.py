from deskapp.cli.main import main

raise SystemExit(main())
