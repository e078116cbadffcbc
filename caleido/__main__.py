from caleido.cli import main

main()
