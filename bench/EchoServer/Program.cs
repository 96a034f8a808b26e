using System.Net;
using System.Text.Json;

// Baseline for bench/run.sh: Kestrel with the node's defaults (WebApplication.CreateBuilder, reflection-based
// System.Text.Json with the node's snake_case options, one explicit Listen on 127.0.0.1:PORT), logging off.
// POST /echo binds the same dataframe_split body the node's /invocations gets and writes it back.
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5077;
var builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
});

var app = builder.Build();
app.MapGet("/", () => "ok");
app.MapPost("/echo", (IrisRequest request) => request);
await app.RunAsync();

/// <summary>The body of an MLflow <c>dataframe_split</c> request.</summary>
/// <param name="DataframeSplit">Columns and rows.</param>
internal sealed record IrisRequest(DataframeSplit DataframeSplit);

/// <summary>A pandas split-oriented frame.</summary>
/// <param name="Columns">Column names.</param>
/// <param name="Data">Rows of numbers.</param>
internal sealed record DataframeSplit(string[] Columns, double[][] Data);
