using Microsoft.Extensions.Options;

namespace Modelplane.Providers.Egress;

/// <summary>
/// Start-up validation of <see cref="EgressOptions"/>: every message names the configuration key at fault, e.g.
/// <c>Modelplane:Egress:AllowedInternetDestinations[2]</c>.
/// </summary>
public sealed class EgressOptionsValidator : IValidateOptions<EgressOptions>
{
    /// <summary>Databricks' limit on a policy's destinations.</summary>
    public const int MaxDestinations = 2000;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EgressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var mode = options.RestrictionMode?.Trim();
        if (!string.Equals(mode, EgressOptions.FullAccess, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(mode, EgressOptions.RestrictedAccess, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{EgressOptions.SectionName}:RestrictionMode must be {EgressOptions.FullAccess} or {EgressOptions.RestrictedAccess}; got '{options.RestrictionMode}'.");
        }

        var count = 0;
        for (var i = 0; i < options.AllowedInternetDestinations.Count; i++)
        {
            foreach (var entry in EgressDestination.SplitEntry(options.AllowedInternetDestinations[i]))
            {
                count++;
                if (!EgressDestination.TryParse(entry, out _, out var error))
                {
                    errors.Add($"{EgressOptions.SectionName}:AllowedInternetDestinations[{i}] '{entry}' {error}");
                }
            }
        }

        if (count > MaxDestinations)
        {
            errors.Add($"{EgressOptions.SectionName}:AllowedInternetDestinations has {count} destinations; at most {MaxDestinations} are allowed.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
