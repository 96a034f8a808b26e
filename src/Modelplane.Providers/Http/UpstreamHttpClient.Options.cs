using Microsoft.Extensions.Options;

namespace Modelplane.Providers.Http;

/// <summary>
/// Resilience settings of the upstream HTTP client (<see cref="UpstreamHttpClient"/>), bound from the configuration
/// section <c>Modelplane:Upstream</c> (environment: <c>MODELPLANE__Upstream__MaxRetries=3</c>). User guide:
/// <c>docs/egress.md</c>. The per-entity execution timeout is applied by the caller through cancellation; these bound
/// one upstream call.
/// </summary>
public sealed class UpstreamOptions
{
    /// <summary>The configuration section, <c>Modelplane:Upstream</c>.</summary>
    public const string SectionName = "Modelplane:Upstream";

    /// <summary>Retries after the first attempt on 408, 429, 5xx, connection errors and attempt timeouts; 0 to 10, default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// The longest <c>Retry-After</c> (seconds) the client waits for before retrying; a longer one returns the 429/503
    /// to the caller at once. 0 to 3600, default 10.
    /// </summary>
    public int MaxRetryAfterSeconds { get; set; } = 10;

    /// <summary>Timeout of one attempt until the response headers arrive, seconds; 1 to 3600, default 300.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 300;

    /// <summary>Timeout of the whole call with its retries and waits, seconds; at least <see cref="AttemptTimeoutSeconds"/>, at most 86400; default 600.</summary>
    public int TotalTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// Base of the exponential backoff (with jitter) when no <c>Retry-After</c> is given, milliseconds; 1 to 60000,
    /// default 500 (the OpenAI and Anthropic SDKs' initial retry delay). A single wait is capped at 8 s.
    /// </summary>
    public int RetryBaseDelayMilliseconds { get; set; } = 500;
}

/// <summary>Start-up validation of <see cref="UpstreamOptions"/>; each message names its key.</summary>
public sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Range(string key, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                errors.Add($"{UpstreamOptions.SectionName}:{key} must be from {min} to {max}; got {value}.");
            }
        }

        Range(nameof(options.MaxRetries), options.MaxRetries, 0, 10);
        Range(nameof(options.MaxRetryAfterSeconds), options.MaxRetryAfterSeconds, 0, 3600);
        Range(nameof(options.AttemptTimeoutSeconds), options.AttemptTimeoutSeconds, 1, 3600);
        Range(nameof(options.TotalTimeoutSeconds), options.TotalTimeoutSeconds, 1, 86400);
        Range(nameof(options.RetryBaseDelayMilliseconds), options.RetryBaseDelayMilliseconds, 1, 60000);
        if (options.TotalTimeoutSeconds < options.AttemptTimeoutSeconds)
        {
            errors.Add($"{UpstreamOptions.SectionName}:TotalTimeoutSeconds ({options.TotalTimeoutSeconds}) must be at least AttemptTimeoutSeconds ({options.AttemptTimeoutSeconds}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
