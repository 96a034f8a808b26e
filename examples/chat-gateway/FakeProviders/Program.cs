using System.Runtime.InteropServices;
using Modelplane.Examples.ChatGateway.FakeProviders;
using Modelplane.Testing.Providers;

// Starts the fake OpenAI and Anthropic APIs on 127.0.0.1, prints the base URLs to put in a create body, and serves
// until Ctrl-C or SIGTERM. Replies are recorded provider bytes from tests/testdata (see ../README.md).
FakeProviderOptions options;
try
{
    options = FakeProviderOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(FakeProviderOptions.Usage);
    return 2;
}

await using var openAi = await FakeOpenAi.StartAsync(options.OpenAiPort);
openAi.RequireBearer = options.OpenAiKey;
await using var anthropic = await FakeAnthropic.StartAsync(options.AnthropicPort);
anthropic.RequireApiKey = options.AnthropicKey;

Console.WriteLine($"openai_api_base={openAi.ApiBase}");
Console.WriteLine($"anthropic_api_base={anthropic.BaseUri.ToString().TrimEnd('/')}");
Console.Error.WriteLine("Fake OpenAI and Anthropic APIs are listening. Press Ctrl-C to stop.");

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Stopped.
}

return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
