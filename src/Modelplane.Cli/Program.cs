using Modelplane.Cli;

return await CliApp.RunAsync(args, CliContext.FromProcess());
