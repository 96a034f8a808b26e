using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Client;
using Modelplane.Core.Governance;
using Modelplane.Core.Storage;
using Modelplane.Server.Sql;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// A real node (<see cref="NodeFixture"/>) for the Statement Execution API: one allowed directory outside the data dir
/// (<see cref="AllowedDir"/>, holding <c>iris.csv</c>), a 20-second statement time limit (well past the API's 5 s wait, even on a loaded machine), model calls routed into the
/// in-memory server, and typed clients for the admin and for fresh non-admin users.
/// </summary>
public sealed class StatementNode : IAsyncLifetime
{
    /// <summary>The statement time limit configured here.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>The one directory statements may read and write.</summary>
    public string AllowedDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-sql-allowed-" + Guid.NewGuid().ToString("N"));

    /// <summary>The node.</summary>
    public NodeFixture Node { get; }

    /// <summary>The typed client as the bootstrap admin.</summary>
    public ModelplaneClient Admin { get; private set; } = null!;

    /// <summary>Creates the fixture.</summary>
    public StatementNode()
    {
        Node = new NodeFixture
        {
            Args = [$"--Modelplane:Sql:AllowedDirectories:0={AllowedDir}", $"--Modelplane:Sql:StatementTimeout={Limit}"],
        };
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(AllowedDir);
        var repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "examples", "iris", "data", "iris.csv")))
        {
            repo = Path.GetDirectoryName(repo) ?? throw new InvalidOperationException("examples/iris/data/iris.csv not found above the test binaries.");
        }

        File.Copy(Path.Combine(repo, "examples", "iris", "data", "iris.csv"), Path.Combine(AllowedDir, "iris.csv"));
        await Node.InitializeAsync();
        var server = (TestServer)Node.Services.GetRequiredService<IServer>();
        Node.Services.GetRequiredService<NodeLoopback>().Use(server.BaseAddress, server.CreateHandler());
        Admin = new ModelplaneClient(Node.Client, Node.Token);
    }

    /// <summary>A typed client for a new non-admin user.</summary>
    public Task<ModelplaneClient> UserAsync() => UserAsync(Node);

    /// <summary>A typed client for a new non-admin user of <paramref name="node"/> (no grants).</summary>
    public static async Task<ModelplaneClient> UserAsync(NodeFixture node)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = $"sql-{Guid.NewGuid():N}@example.com", IsAdmin = false };
        db.Principals.Add(user);
        await db.SaveChangesAsync();
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "sql tests", null, default);
        var http = ((TestServer)node.Services.GetRequiredService<IServer>()).CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ModelplaneClient(http, token);
    }

    /// <summary>Polls <c>GET</c> until the statement leaves PENDING/RUNNING (at most a minute).</summary>
    public static async Task<StatementResponse> EndAsync(ModelplaneClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var response = await client.GetStatementAsync(id);
            if (response.Status?.State is not ("PENDING" or "RUNNING"))
            {
                return response;
            }

            Assert.True(DateTime.UtcNow < deadline, $"statement {id} still {response.Status?.State}");
            await Task.Delay(50);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Node.DisposeAsync();
        Directory.Delete(AllowedDir, recursive: true);
    }
}
