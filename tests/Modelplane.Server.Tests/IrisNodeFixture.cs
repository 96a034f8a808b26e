using Modelplane.Testing;

namespace Modelplane.Server.Tests;

/// <summary>A node serving the committed Iris model as endpoint <c>iris</c> (model <c>main.default.iris</c> version 1).</summary>
public sealed class IrisNodeFixture : IAsyncLifetime
{
    /// <summary>The node.</summary>
    public NodeFixture Node { get; } = new();

    /// <summary>The Iris MLflow model directory in the repository.</summary>
    public static string IrisModelDir => Path.Combine(TestData.RepoRoot, "examples", "iris", "model");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        await Node.RegisterAsync("main.default.iris", IrisModelDir);
        var endpoint = await Node.ServeAsync("iris", "main.default.iris");
        Assert.Equal("READY", endpoint["state"]!["ready"]!.GetValue<string>());
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Node.DisposeAsync();
}
