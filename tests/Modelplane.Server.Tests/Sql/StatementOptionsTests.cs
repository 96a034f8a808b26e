using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Sql;

/// <summary><c>Modelplane:Sql</c> settings that would weaken the lockdown stop the node at start-up, naming the key.</summary>
public sealed class StatementOptionsTests
{
    [Theory]
    [InlineData("{data}", "overlaps the node's data dir")]
    [InlineData("{data}/tables", "overlaps the node's data dir")]
    [InlineData("/", "overlaps the node's data dir")]
    [InlineData("relative/dir", "must be an absolute path")]
    public async Task An_allowed_directory_overlapping_the_data_dir_or_relative_stops_the_node(string dir, string expected)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "modelplane-sql-options-" + Guid.NewGuid().ToString("N"));
        try
        {
            var builder = ModelplaneNode.CreateBuilder(new NodeOptions
            {
                DataDir = dataDir,
                Args = [$"--Modelplane:Sql:AllowedDirectories:0={dir.Replace("{data}", dataDir, StringComparison.Ordinal)}"],
            });
            builder.WebHost.UseTestServer();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            await using var app = ModelplaneNode.Build(builder);
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains("Modelplane:Sql:AllowedDirectories", error.Message, StringComparison.Ordinal);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }
}
