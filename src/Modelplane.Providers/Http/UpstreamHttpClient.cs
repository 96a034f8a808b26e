using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Modelplane.Providers.Egress;

namespace Modelplane.Providers.Http;

/// <summary>
/// The pooled HTTP client every external-model adapter uses, from <see cref="IHttpClientFactory"/> by
/// <see cref="Name"/>. Its pipeline, outermost first:
/// <list type="number">
/// <item>Polly rejections turned into the exceptions <c>HttpClient</c> callers expect (attempt/total timeout →
/// <see cref="TimeoutException"/>, open circuit or rate limiter → <see cref="HttpRequestException"/>), so
/// <see cref="UpstreamHttp"/> and <see cref="UpstreamErrors.FromTransport"/> map them (504 / 502).</item>
/// <item>Microsoft.Extensions.Http.Resilience's standard handler, one pipeline per upstream authority
/// (<c>SelectPipelineByAuthority</c>): concurrency limit (1000 per authority), total timeout, retries
/// (<see cref="UpstreamOptions"/>), circuit breaker, attempt timeout.</item>
/// <item>A <see cref="SocketsHttpHandler"/>: pooled connections renewed every 5 minutes, automatic decompression, no
/// cookies, no redirects (a redirect could carry API-key headers elsewhere), no proxy (the egress policy must see the
/// destination), and <see cref="EgressPolicy.ConnectAsync"/> as its <c>ConnectCallback</c>.</item>
/// </list>
/// Retries happen only before the response headers: adapters read with <see cref="HttpCompletionOption.ResponseHeadersRead"/>,
/// so a stream that breaks mid-way is never replayed. A request body must be re-readable (e.g. JSON or byte content) to
/// be retried. <c>HttpClient.Timeout</c> is infinite; the resilience timeouts and the caller's cancellation bound a call.
/// User guide: <c>docs/egress.md</c>.
/// </summary>
public static partial class UpstreamHttpClient
{
    /// <summary>The named client, <c>modelplane-upstream</c>.</summary>
    public const string Name = "modelplane-upstream";

    /// <summary>How long a pooled connection lives before it is replaced (DNS changes and policy reloads take effect).</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>TCP connect timeout of one attempt.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers <see cref="EgressOptions"/> (<c>Modelplane:Egress</c>), <see cref="UpstreamOptions"/>
    /// (<c>Modelplane:Upstream</c>), both validated at start-up, the <see cref="EgressPolicy"/> singleton, and the named
    /// client <see cref="Name"/>. Calling it twice adds nothing the second time.
    /// </summary>
    public static IServiceCollection AddUpstreamHttpClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(EgressPolicy)))
        {
            return services;
        }

        services.AddLogging();
        services.AddOptions<EgressOptions>().Bind(configuration.GetSection(EgressOptions.SectionName)).ValidateOnStart();
        services.AddOptions<UpstreamOptions>().Bind(configuration.GetSection(UpstreamOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EgressOptions>, EgressOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UpstreamOptions>, UpstreamOptionsValidator>());
        services.AddSingleton<EgressPolicy>();

        services.AddHttpClient(Name)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => CreatePrimaryHandler(sp.GetRequiredService<EgressPolicy>()))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan) // SocketsHttpHandler renews connections itself
            .AddHttpMessageHandler(() => new RejectionHandler())
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => ConfigureResilience(resilience, sp.GetRequiredService<IOptions<UpstreamOptions>>().Value))
            .SelectPipelineByAuthority();
        return services;
    }

    private static SocketsHttpHandler CreatePrimaryHandler(EgressPolicy policy) => new()
    {
        PooledConnectionLifetime = PooledConnectionLifetime,
        ConnectTimeout = ConnectTimeout,
        ConnectCallback = policy.ConnectAsync,
        AutomaticDecompression = DecompressionMethods.All,
        UseCookies = false,
        AllowAutoRedirect = false,
        UseProxy = false,
        EnableMultipleHttp2Connections = true,
    };
}
