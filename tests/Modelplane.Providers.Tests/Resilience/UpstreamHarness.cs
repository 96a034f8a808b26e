using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Modelplane.Providers.Egress;
using Modelplane.Providers.Http;
using Modelplane.Testing;

namespace Modelplane.Providers.Tests.Resilience;

/// <summary>
/// The real wiring under test: a <see cref="ServiceCollection"/> with <see cref="UpstreamHttpClient.AddUpstreamHttpClient"/>
/// over in-memory configuration, the client from <see cref="IHttpClientFactory"/>, and the logs captured.
/// </summary>
public sealed class UpstreamHarness : IDisposable
{
    private readonly ServiceProvider services;

    private UpstreamHarness(ServiceProvider services, MemoryLogs logs)
    {
        this.services = services;
        Logs = logs;
    }

    /// <summary>Captured logs.</summary>
    public MemoryLogs Logs { get; }

    /// <summary>The service provider.</summary>
    public IServiceProvider Services => services;

    /// <summary>The policy singleton.</summary>
    public EgressPolicy Policy => services.GetRequiredService<EgressPolicy>();

    /// <summary>A client by <see cref="UpstreamHttpClient.Name"/>.</summary>
    public HttpClient Client => services.GetRequiredService<IHttpClientFactory>().CreateClient(UpstreamHttpClient.Name);

    /// <summary>
    /// Builds the services from <paramref name="settings"/> (configuration keys such as
    /// <c>Modelplane:Egress:RestrictionMode</c>); retries wait 20 ms as a base unless the settings say otherwise.
    /// </summary>
    public static UpstreamHarness Create(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Modelplane:Upstream:RetryBaseDelayMilliseconds"] = "20" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new MemoryLogs();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        collection.AddUpstreamHttpClient(configuration);
        return new UpstreamHarness(collection.BuildServiceProvider(), logs);
    }

    /// <summary>A chat request (the OpenAI spec's example body) to <paramref name="url"/>.</summary>
    public static HttpRequestMessage ChatRequest(Uri url) => new(HttpMethod.Post, url)
    {
        Content = new ByteArrayContent(File.ReadAllBytes(TestData.PathOf("openai", "examples", "chat_default.request.json")))
        {
            Headers = { ContentType = new("application/json") },
        },
    };

    /// <summary>Log entries from Polly's retry strategy (one per retry scheduled).</summary>
    public IReadOnlyList<LogEntry> RetryEvents => [.. Logs.Entries.Where(e => e.Message.Contains("OnRetry", StringComparison.Ordinal))];

    /// <inheritdoc />
    public void Dispose() => services.Dispose();
}
