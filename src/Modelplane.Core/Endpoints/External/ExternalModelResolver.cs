using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Secrets;
using Modelplane.Providers.Egress;

namespace Modelplane.Core.Endpoints.External;

/// <summary>
/// Validates an <c>external_model</c> block (databricks-serving.md §7.1): <c>provider</c>, <c>name</c>, <c>task</c> and
/// exactly the provider's <c>&lt;provider&gt;_config</c>. Each credential field is a <c>{{secrets/scope/key}}</c>
/// reference to an existing secret, which the applying principal must be allowed to read (READ on the scope, directly,
/// through a group, or as an admin), or a <c>*_plaintext</c> value, sealed here before the config is stored (§7.2). The provider checks its own
/// fields, and every URL it will call must pass the node's egress policy. Errors are 400s naming the field, 403 when
/// the principal may not read a referenced scope, 404 when a referenced secret does not exist.
/// </summary>
public sealed class ExternalModelResolver(
    IEnumerable<IExternalModelProvider> providers, CredentialSeal seal, SecretStore secrets, EgressPolicy egress, PermissionService permissions)
{
    private static readonly string[] KnownFields = ["provider", "name", "task"];

    /// <summary>The provider registered for a <c>provider</c> value, or null.</summary>
    public IExternalModelProvider? Find(string provider) => providers.FirstOrDefault(p => p.Name == provider);

    /// <summary>Validates and seals; <paramref name="field"/> is e.g. <c>served_entities[0].external_model</c>.</summary>
    public async Task<ResolvedExternalModel> ResolveAsync(JsonObject input, string field, CallerIdentity caller, CancellationToken ct)
    {
        var providerName = Required(input, "provider", field);
        var provider = Find(providerName) ?? throw ModelplaneException.InvalidParameter(
            $"{field}.provider '{providerName}' is unknown; use one of {string.Join(", ", providers.Select(p => p.Name).Order(StringComparer.Ordinal))}.");
        var name = Required(input, "name", field);
        var task = Required(input, "task", field);
        if (!provider.Tasks.Contains(task))
        {
            throw ModelplaneException.InvalidParameter($"{field}.task '{task}' is not served by provider '{provider.Name}'; use {string.Join(" or ", provider.Tasks)}.");
        }

        foreach (var (key, _) in input)
        {
            if (!KnownFields.Contains(key) && key != provider.ConfigField)
            {
                throw ModelplaneException.InvalidParameter(key.EndsWith("_config", StringComparison.Ordinal)
                    ? $"{field}.{key} does not belong to provider '{provider.Name}'; its block is {provider.ConfigField}."
                    : $"Unknown field '{key}' at '{field}'.");
            }
        }

        var block = input[provider.ConfigField] switch
        {
            JsonObject o => (JsonObject)o.DeepClone(),
            null => throw ModelplaneException.InvalidParameter($"{field}.{provider.ConfigField} is required for provider '{provider.Name}'."),
            _ => throw ModelplaneException.InvalidParameter($"{field}.{provider.ConfigField} must be an object."),
        };
        RefuseUnknownFields(block, provider, $"{field}.{provider.ConfigField}");
        await CredentialsAsync(block, provider, $"{field}.{provider.ConfigField}", caller, ct);
        var model = new ResolvedExternalModel { Provider = provider.Name, Name = name, Task = task, ConfigField = provider.ConfigField, Config = block };
        foreach (var url in provider.Validate(model.ToDefinition(), field))
        {
            egress.CheckConfigUrl(url, $"{field}.{provider.ConfigField}");
        }

        return model;
    }

    private async Task CredentialsAsync(JsonObject block, IExternalModelProvider provider, string field, CallerIdentity caller, CancellationToken ct)
    {
        foreach (var path in provider.CredentialFields)
        {
            if (CredentialPaths.Locate(block, path) is not { } at)
            {
                continue;
            }

            var (reference, plain) = (at.Parent[at.Leaf], at.Parent[at.Leaf + "_plaintext"]);
            if (reference is not null && plain is not null)
            {
                throw ModelplaneException.InvalidParameter($"{field}.{path}: give {at.Leaf} (a secret reference) or {at.Leaf}_plaintext, not both.");
            }

            if (reference is not null)
            {
                var text = AsString(reference, $"{field}.{path}");
                if (!SecretReference.TryParse(text, out var parsed))
                {
                    throw ModelplaneException.InvalidParameter(text.StartsWith("{{", StringComparison.Ordinal)
                        ? $"{field}.{path} '{text}' is not a valid secret reference; write {{{{secrets/<scope>/<key>}}}}."
                        : $"{field}.{path} must be a secret reference {{{{secrets/<scope>/<key>}}}}; put a clear value in {at.Leaf}_plaintext instead.");
                }

                if (!PermissionLevels.Includes(PermissionLevels.SecretScopes, await permissions.LevelAsync(caller, PermissionLevels.SecretScopes, parsed.Scope, ct), PermissionLevels.Read))
                {
                    throw new ModelplaneException(ErrorCode.PermissionDenied, $"{field}.{path}: '{caller.Name}' lacks READ on secret scope '{parsed.Scope}', which referencing its secrets needs.");
                }

                await secrets.GetAsync(parsed.Scope, parsed.Key, ct); // 404 naming the scope or key when it does not exist.
            }
            else if (plain is not null)
            {
                var text = AsString(plain, $"{field}.{path}_plaintext");
                if (text.Length == 0)
                {
                    throw ModelplaneException.InvalidParameter($"{field}.{path}_plaintext is empty.");
                }

                at.Parent[at.Leaf + "_plaintext"] = CredentialSeal.IsSealed(text)
                    ? throw ModelplaneException.InvalidParameter($"{field}.{path}_plaintext holds a sealed value; give the clear credential.")
                    : seal.Seal(text);
            }
        }
    }

    private static void RefuseUnknownFields(JsonObject block, IExternalModelProvider provider, string field)
    {
        if (provider.ConfigFields is not { } known)
        {
            return;
        }

        var allowed = known.Concat(provider.CredentialFields.Where(c => !c.Contains('.', StringComparison.Ordinal)).Select(c => c + "_plaintext")).ToHashSet(StringComparer.Ordinal);
        if (block.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k)) is { } unknown)
        {
            throw ModelplaneException.InvalidParameter($"Unknown field '{unknown}' at '{field}'; {provider.ConfigField} takes {string.Join(", ", known)}.");
        }
    }

    private static string Required(JsonObject input, string name, string field) =>
        input[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s
            : throw ModelplaneException.InvalidParameter($"{field}.{name} is required (a string).");

    private static string AsString(JsonNode node, string field) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : throw ModelplaneException.InvalidParameter($"{field} must be a string.");
}
