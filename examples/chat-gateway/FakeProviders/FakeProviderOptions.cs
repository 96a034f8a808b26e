using System.Globalization;

namespace Modelplane.Examples.ChatGateway.FakeProviders;

/// <summary>
/// Command line of the fake providers: <c>[--openai-port N] [--anthropic-port N] [--openai-key K]
/// [--anthropic-key K]</c>. The defaults match <c>examples/chat-gateway/openai-endpoint.json</c> and
/// <c>anthropic-endpoint.json</c>; port 0 picks a free port.
/// </summary>
/// <param name="OpenAiPort">TCP port of the fake OpenAI API on 127.0.0.1 (default 18301).</param>
/// <param name="AnthropicPort">TCP port of the fake Anthropic API on 127.0.0.1 (default 18302).</param>
/// <param name="OpenAiKey">The key the fake OpenAI requires as <c>Authorization: Bearer</c>.</param>
/// <param name="AnthropicKey">The key the fake Anthropic requires as <c>x-api-key</c>.</param>
internal sealed record FakeProviderOptions(int OpenAiPort, int AnthropicPort, string OpenAiKey, string AnthropicKey)
{
    /// <summary>The <c>openai_api_key_plaintext</c> of <c>openai-endpoint.json</c>.</summary>
    public const string DefaultOpenAiKey = "sk-example-openai-key-not-real";

    /// <summary>The <c>anthropic_api_key_plaintext</c> of <c>anthropic-endpoint.json</c>.</summary>
    public const string DefaultAnthropicKey = "sk-ant-example-anthropic-key-not-real";

    /// <summary>The usage text printed on a bad command line.</summary>
    public const string Usage = "usage: FakeProviders [--openai-port N] [--anthropic-port N] [--openai-key K] [--anthropic-key K]";

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown flag, a flag without a value, or a port outside 0–65535.</exception>
    public static FakeProviderOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FakeProviderOptions(18301, 18302, DefaultOpenAiKey, DefaultAnthropicKey);
        for (var i = 0; i < args.Count; i += 2)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--openai-port" => options with { OpenAiPort = Port(args[i], value) },
                "--anthropic-port" => options with { AnthropicPort = Port(args[i], value) },
                "--openai-key" => options with { OpenAiKey = value },
                "--anthropic-key" => options with { AnthropicKey = value },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
        }

        return options;
    }

    private static int Port(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new ArgumentException($"{flag} must be a port number (0-65535), not '{value}'.");
}
