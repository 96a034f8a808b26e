using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Metrics;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Core.Tables;

namespace Modelplane.Core.Tests.Tables;

/// <summary>A capture stage in front of a scripted inner stage, with the rows it queues read straight off the sink.</summary>
internal sealed class CaptureHarness
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);

    public CaptureHarness(Func<InvocationContext, CancellationToken, Task<InvocationResult>> inner, double fraction = 1, int capacity = 10_000, int maxPayloadBytes = 1024 * 1024)
    {
        Metrics = new ServingMetrics();
        Sink = new TableSink(Options.Create(new TablesOptions { ChannelCapacity = capacity }), Metrics, Time, NullLogger<TableSink>.Instance);
        Settings = new CaptureSettings("chat", Usage: true, PayloadTable: "main.logs.chat_payload", fraction, RedactPii: false,
            new Dictionary<string, string> { ["a"] = TableNames.ServedEntityId("ep1", 3, "a") });
        Stage = new CaptureStage(new Scripted(inner), Settings, new CaptureRows(Options.Create(new TablesOptions { MaxPayloadBytes = maxPayloadBytes })), Sink, Time);
    }

    public FakeTimeProvider Time { get; } = new(Now);

    public ServingMetrics Metrics { get; }

    public TableSink Sink { get; }

    public CaptureSettings Settings { get; }

    public CaptureStage Stage { get; }

    public static ClaimsPrincipal User(string name) =>
        new(new ClaimsIdentity(new CallerIdentity("p-" + name, name, PrincipalKinds.User, false, new HashSet<string>(), new HashSet<string>()).ToClaims(), "test"));

    public static InvocationContext Chat(string id, string body, string user = "ann@example.com") => new()
    {
        RequestId = id,
        Caller = User(user),
        RawRequest = Encoding.UTF8.GetBytes(body),
        Decoder = () => new ChatPayload(LlmJson.Deserialize<ChatCompletionRequest>(Encoding.UTF8.GetBytes(body))),
    };

    public List<TableRecord> Drain()
    {
        var rows = new List<TableRecord>();
        while (Sink.Reader.TryRead(out var r))
        {
            rows.Add(r);
        }

        return rows;
    }

    public (UsageRow Usage, PayloadRow Payload) Single()
    {
        var rows = Drain();
        Assert.Equal(2, rows.Count);
        Assert.Equal(TableNames.EndpointUsage, rows[0].Table);
        Assert.Equal("main.logs.chat_payload", rows[1].Table);
        return ((UsageRow)rows[0].Row, (PayloadRow)rows[1].Row);
    }

    private sealed class Scripted(Func<InvocationContext, CancellationToken, Task<InvocationResult>> run) : InvocationHandler
    {
        public override Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken) => run(context, cancellationToken);
    }
}
