using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// <c>modelplane secrets put-secret &lt;scope&gt; &lt;key&gt; [--string-value V | --bytes-value BASE64]</c>:
/// <c>POST /api/2.0/secrets/put</c>, creating or replacing the secret. Without either option the value is read
/// from standard input when it is piped (<c>printf %s "$KEY" | modelplane secrets put-secret s k</c>; read exactly,
/// a trailing newline included) or typed at a hidden prompt on a terminal, so it stays out of shell history. The
/// value is never printed. Both options, invalid base64 or empty input: exit 2. Unknown scope: exit 1 with
/// <c>RESOURCE_DOES_NOT_EXIST</c>. JSON output: <c>{}</c>.
/// </summary>
internal sealed class SecretsPutSecretCommand : BaseCommand
{
    private readonly Argument<string> scope = SecretArguments.Scope();
    private readonly Argument<string> key = SecretArguments.Key();
    private readonly Option<string?> stringValue = new("--string-value")
    {
        Description = "The value, stored as UTF-8. It lands in shell history: prefer standard input.",
    };

    private readonly Option<string?> bytesValue = new("--bytes-value")
    {
        Description = "The value as base64-encoded bytes.",
    };

    public SecretsPutSecretCommand(CliContext context, GlobalOptions globals)
        : base("put-secret", "Create or replace a secret; the value comes from an option, standard input or a hidden prompt.", context, globals)
    {
        Arguments.Add(scope);
        Arguments.Add(key);
        Options.Add(stringValue);
        Options.Add(bytesValue);
        bytesValue.Validators.Add(result =>
        {
            // The message names the option, never the text given.
            if (result.Tokens.Count == 1 && !IsBase64(result.Tokens[0].Value))
            {
                result.AddError("--bytes-value must be base64.");
            }
        });
        Validators.Add(result =>
        {
            if (result.GetResult(stringValue) is not null && result.GetResult(bytesValue) is not null)
            {
                result.AddError("Give either --string-value or --bytes-value, not both.");
            }
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        var scopeName = parseResult.GetRequiredValue(scope);
        var keyName = parseResult.GetRequiredValue(key);
        var bytes = parseResult.GetValue(bytesValue);
        var text = bytes is null ? parseResult.GetValue(stringValue) ?? await SecretInput.ReadAsync(Context, output, cancellationToken) : null;
        using var client = CreateClient(parseResult);
        if (bytes is not null)
        {
            await client.PutSecretAsync(scopeName, keyName, Convert.FromBase64String(bytes), cancellationToken);
        }
        else
        {
            await client.PutSecretAsync(scopeName, keyName, text!, cancellationToken);
        }

        output.Info($"Stored secret '{keyName}' in scope '{scopeName}'. Reference it as {{{{secrets/{scopeName}/{keyName}}}}}.");
        output.WriteJsonOnly(new { });
        return ExitCodes.Success;
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
