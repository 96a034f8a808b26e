using System.Text.Json.Nodes;
using Modelplane.Testing;

namespace Modelplane.Server.Tests;

/// <summary>
/// The server's OpenAPI document is generated from the code and committed as docs/openapi.json; this test fails when
/// they drift. Regenerate with <c>MODELPLANE_UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests</c>.
/// </summary>
public sealed class OpenApiDocumentTests(IrisNodeFixture iris) : IClassFixture<IrisNodeFixture>
{
    [Fact]
    public async Task CommittedDocument_MatchesTheCode()
    {
        var response = await iris.Node.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var generated = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        generated["servers"] = null;
        var text = generated.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(TestData.RepoRoot, "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("MODELPLANE_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, text);
        }

        Assert.True(File.Exists(path), "docs/openapi.json is missing; run with MODELPLANE_UPDATE_OPENAPI=1.");
        Assert.True(text == await File.ReadAllTextAsync(path), "docs/openapi.json differs from the code; run with MODELPLANE_UPDATE_OPENAPI=1 and commit it.");
        Assert.Contains("/api/2.0/serving-endpoints", text, StringComparison.Ordinal);
        Assert.Contains("/serving-endpoints/{name}/invocations", text, StringComparison.Ordinal);
    }
}
