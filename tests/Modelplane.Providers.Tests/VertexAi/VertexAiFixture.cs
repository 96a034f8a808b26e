using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.VertexAi;
using Modelplane.Testing.Providers;

namespace Modelplane.Providers.Tests.VertexAi;

/// <summary>A fake Vertex AI with a freshly generated service-account key, and clients pointed at it.</summary>
internal sealed class VertexAiFixture : IAsyncDisposable
{
    public const string Model = "gemini-2.0-flash-001";

    private VertexAiFixture(RSA key, FakeVertexAi fake)
    {
        Key = key;
        Fake = fake;
        KeyJson = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "modelplane-test",
            ["private_key_id"] = "4f2c1a0e9b8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "serving@modelplane-test.iam.gserviceaccount.com",
            ["client_id"] = "113294071982341234567",
            ["token_uri"] = fake.TokenUri.AbsoluteUri,
        }.ToJsonString();
    }

    public RSA Key { get; }

    public FakeVertexAi Fake { get; }

    public string KeyJson { get; }

    public static async Task<VertexAiFixture> StartAsync(RSA? verificationKey = null)
    {
        var key = RSA.Create(2048);
        return new VertexAiFixture(key, await FakeVertexAi.StartAsync(verificationKey ?? key));
    }

    public JsonObject Config() => new()
    {
        ["project_id"] = "modelplane-test",
        ["region"] = "us-central1",
        ["private_key"] = "{{secrets/gcp/sa-key}}",
        ["api_base"] = Fake.BaseUri.AbsoluteUri,
    };

    public ILlmClient Client(string task = LlmTask.Chat, HttpClient? http = null, string model = Model) =>
        new VertexAiProvider().CreateClient(
            new ExternalModelDefinition(VertexAiProvider.ProviderName, model, task, Config()),
            new ExternalModelContext { Http = http ?? new HttpClient(), Credentials = new Dictionary<string, string> { ["private_key"] = KeyJson } });

    public async ValueTask DisposeAsync()
    {
        await Fake.DisposeAsync();
        Key.Dispose();
    }
}
