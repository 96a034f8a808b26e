using Microsoft.Extensions.Options;

namespace Modelplane.Core;

/// <summary>Start-up validation of <see cref="ModelplaneOptions"/>; each message names the key to fix (Aspire's habit).</summary>
public sealed class ModelplaneOptionsValidator : IValidateOptions<ModelplaneOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModelplaneOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            errors.Add("Modelplane:DataDir must name a folder.");
        }

        if (options.MaxUploadBytes <= 0)
        {
            errors.Add("Modelplane:MaxUploadBytes must be positive.");
        }

        if (options.MaxQueryBytes <= 0)
        {
            errors.Add("Modelplane:MaxQueryBytes must be positive.");
        }

        if (options.MaxExtractedBytes <= 0 || options.MaxCompressionRatio < 1)
        {
            errors.Add("Modelplane:MaxExtractedBytes must be positive and Modelplane:MaxCompressionRatio at least 1.");
        }

        if (options.IntraOpThreads < 1)
        {
            errors.Add("Modelplane:IntraOpThreads must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
