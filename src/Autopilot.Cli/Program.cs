return Autopilot.Cli.CliApp.Run(args);
