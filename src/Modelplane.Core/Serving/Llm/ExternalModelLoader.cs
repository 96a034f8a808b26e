using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Endpoints.External;
using Modelplane.Core.Metrics;
using Modelplane.Core.Secrets;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// Brings an external-model entity up: resolves its credentials (secret references through the secret store, sealed
/// <c>*_plaintext</c> values with the master key) and creates the provider's client on the pooled upstream
/// <see cref="HttpClient"/> (egress policy and resilience applied). No process, no image: the entity is ready at once.
/// A secret deleted since the config was applied fails the load with 404 naming it.
/// </summary>
public sealed class ExternalModelLoader(
    IEnumerable<IExternalModelProvider> providers,
    IHttpClientFactory httpClients,
    IServiceScopeFactory scopes,
    CredentialSeal seal,
    UsageEstimator estimator,
    ServingMetrics metrics,
    EndpointLogStore logs,
    IOptions<ServingOptions> options,
    TimeProvider time)
{
    /// <summary>Loads the entity.</summary>
    /// <exception cref="ModelplaneException">The provider is not registered, or a credential cannot be resolved.</exception>
    public async Task<LlmRuntime> LoadAsync(EndpointEntity endpoint, int version, ResolvedServedEntity spec, CancellationToken ct)
    {
        var model = spec.ExternalModel!;
        var provider = providers.FirstOrDefault(p => p.Name == model.Provider)
            ?? throw ModelplaneException.InvalidParameter($"Provider '{model.Provider}' is not available on this node.");
        logs.Build(endpoint.Id, spec.Name, $"Config version {version}: served entity '{spec.Name}' proxies {model.Provider} model '{model.Name}' ({model.Task}).");
        var credentials = await CredentialsAsync(model, provider, ct);
        var client = provider.CreateClient(model.ToDefinition(), new ExternalModelContext
        {
            Http = httpClients.CreateClient(Providers.Http.UpstreamHttpClient.Name),
            Credentials = credentials,
            Time = time,
        });
        var timeout = TimeSpan.FromSeconds(spec.ExecutionTimeoutSeconds ?? options.Value.ExecutionTimeoutSeconds);
        logs.Build(endpoint.Id, spec.Name, $"Ready: {credentials.Count} credential(s) resolved, execution timeout {timeout.TotalSeconds:0} s.");
        return new LlmRuntime(spec, client, timeout, estimator,
            (usage, estimated) => metrics.Tokens(endpoint.Name, spec.Name, usage.PromptTokens, usage.CompletionTokens ?? 0, estimated));
    }

    private async Task<Dictionary<string, string>> CredentialsAsync(ResolvedExternalModel model, IExternalModelProvider provider, CancellationToken ct)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var scope = scopes.CreateAsyncScope();
        var secrets = scope.ServiceProvider.GetRequiredService<SecretStore>();
        foreach (var path in provider.CredentialFields)
        {
            if (CredentialPaths.GetString(model.Config, path) is { } reference)
            {
                result[path] = Clean(await secrets.ResolveAsync(reference, ct), $"{provider.ConfigField}.{path} ({reference})");
            }
            else if (CredentialPaths.GetString(model.Config, path + "_plaintext") is { } sealedValue)
            {
                result[path] = Clean(seal.Open(sealedValue), $"{provider.ConfigField}.{path}_plaintext");
            }
        }

        return result;
    }

    /// <summary>
    /// A credential as sent in a header: surrounding whitespace (the newline <c>echo</c> adds to a piped secret) is
    /// dropped; a control character inside is refused naming the field, since no header may carry it.
    /// </summary>
    private static string Clean(string value, string field)
    {
        var trimmed = value.Trim();
        return trimmed.Length > 0 && !trimmed.Any(char.IsControl) ? trimmed
            : throw ModelplaneException.InvalidParameter($"The credential in {field} is empty or holds a control character (newline, NUL); store it again without one.");
    }
}
