using System.CommandLine;
using System.CommandLine.Parsing;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Endpoints;

/// <summary>
/// The options of <c>endpoints create</c> and <c>endpoints update-config</c> that describe one served entity
/// (<c>--model</c>, <c>--version</c>, <c>--workload-size</c>, <c>--scale-to-zero</c>, <c>--served-name</c>), or
/// <c>--json &lt;file&gt;</c> with the whole body instead. Mixing the two, or giving neither, is a usage error.
/// </summary>
internal sealed class ServedEntityOptions
{
    /// <summary>The registered model to serve.</summary>
    public Option<string?> Model { get; } = new("--model") { Description = "Registered model to serve, catalog.schema.model." };

    /// <summary>Version number or alias.</summary>
    public Option<string?> Version { get; } = new("--version") { Description = "Model version number, or an alias (e.g. champion)." };

    /// <summary><c>Small</c>, <c>Medium</c> or <c>Large</c>.</summary>
    public Option<string?> WorkloadSize { get; } = CreateWorkloadSize();

    /// <summary>Allow zero replicas when idle.</summary>
    public Option<bool> ScaleToZero { get; } = new("--scale-to-zero") { Description = "Scale to zero replicas when idle." };

    /// <summary>Served entity name (default <c>&lt;model&gt;-&lt;version&gt;</c>).</summary>
    public Option<string?> ServedName { get; } = new("--served-name") { Description = "Served entity name (default <model>-<version>)." };

    /// <summary>Adaptive batching: most rows per model run.</summary>
    public Option<int?> MaxBatchSize { get; } = new("--max-batch-size") { Description = "Adaptive batching: stack concurrent requests into runs of up to this many rows." };

    /// <summary>Adaptive batching: wait after the first request of a batch, ms.</summary>
    public Option<int?> MaxBatchDelayMs { get; } = new("--max-batch-delay-ms") { Description = "Adaptive batching: milliseconds a batch waits for more requests (default 5)." };

    /// <summary>A file holding the whole request body.</summary>
    public Option<string?> Json { get; } = new("--json") { Description = "File with the whole request body (Databricks JSON shape)." };

    /// <summary>Adds the options and the either-or validation to a command.</summary>
    /// <param name="command">The verb.</param>
    /// <param name="otherRequired">Options besides these that the flag form requires (e.g. <c>--name</c>).</param>
    public void AddTo(Command command, params Option[] otherRequired)
    {
        command.Options.Add(Model);
        command.Options.Add(Version);
        command.Options.Add(WorkloadSize);
        command.Options.Add(ScaleToZero);
        command.Options.Add(ServedName);
        command.Options.Add(MaxBatchSize);
        command.Options.Add(MaxBatchDelayMs);
        command.Options.Add(Json);
        command.Validators.Add(result => Validate(result, otherRequired));
    }

    /// <summary>The served entity the flags describe (call only when <c>--json</c> is absent).</summary>
    public ServedEntity ToServedEntity(ParseResult parseResult) => new()
    {
        Name = parseResult.GetValue(ServedName),
        EntityName = parseResult.GetValue(Model),
        EntityVersion = parseResult.GetValue(Version),
        WorkloadSize = parseResult.GetValue(WorkloadSize) ?? "Small",
        ScaleToZeroEnabled = parseResult.GetValue(ScaleToZero),
        MaxBatchSize = parseResult.GetValue(MaxBatchSize),
        MaxBatchDelayMs = parseResult.GetValue(MaxBatchDelayMs),
    };

    private void Validate(CommandResult result, Option[] otherRequired)
    {
        var flagOptions = new Option[] { Model, Version, WorkloadSize, ScaleToZero, ServedName, MaxBatchSize, MaxBatchDelayMs };
        if (result.GetResult(Json) is not null)
        {
            if (flagOptions.FirstOrDefault(o => result.GetResult(o) is not null) is { } mixed)
            {
                result.AddError($"--json gives the whole body; it cannot be combined with {mixed.Name}.");
            }

            return;
        }

        foreach (var option in otherRequired.Concat([Model, Version]).Where(o => result.GetResult(o) is null))
        {
            result.AddError($"Option '{option.Name}' is required (or give the whole body with --json <file>).");
        }

        if (result.GetValue(Model) is { } model && !ModelName.IsValid(model))
        {
            result.AddError($"Model name '{model}' is not of the form catalog.schema.model.");
        }
    }

    private static Option<string?> CreateWorkloadSize()
    {
        var option = new Option<string?>("--workload-size") { Description = "Small (0-4 concurrent requests), Medium (8-16) or Large (16-64). Default Small." };
        option.AcceptOnlyFromAmong("Small", "Medium", "Large");
        return option;
    }
}
