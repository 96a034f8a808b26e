using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Client;
using Modelplane.Server.Sql;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// ai_query inside the node (Statement Execution API): the same functions as the CLI, calling the node's own endpoints
/// as the principal that submitted the statement — its permissions apply and its usage rows carry the statement id.
/// </summary>
public sealed class StatementAiQueryTests : IClassFixture<AiQueryFixture>
{
    private const string TwoFlowers = """
        SELECT ai_query('iris-classifier', {'sepal_length': a, 'sepal_width': b, 'petal_length': c, 'petal_width': d}) AS p
        FROM (VALUES (5.1, 3.5, 1.4, 0.2), (6.3, 3.3, 6.0, 2.5)) t(a, b, c, d) ORDER BY a
        """;

    private readonly AiQueryFixture fixture;

    public StatementAiQueryTests(AiQueryFixture fixture)
    {
        this.fixture = fixture;
        var server = (TestServer)fixture.Node.Services.GetRequiredService<IServer>();
        fixture.Node.Services.GetRequiredService<NodeLoopback>().Use(server.BaseAddress, server.CreateHandler());
    }

    [Fact]
    public async Task An_admins_statement_scores_rows_and_its_usage_rows_name_the_statement()
    {
        var admin = new ModelplaneClient(fixture.Node.Client, fixture.Node.Token);
        var response = await admin.ExecuteStatementAsync(new StatementRequest { Statement = TwoFlowers, WaitTimeout = "30s" });
        response = await StatementNode.EndAsync(admin, response.StatementId!);

        Assert.True(response.Status?.State == "SUCCEEDED", response.Status?.Error?.Message);
        var species = response.Result!.DataArray!.Select(row => JsonDocument.Parse(row[0]!).RootElement.GetProperty("species").GetString()).ToList();
        Assert.Equal(["Iris-setosa", "Iris-virginica"], species);
        var usage = await fixture.UsageAsync("iris-classifier", response.StatementId!, 1);
        var row = Assert.Single(usage); // Two rows in one vector: one dataframe_split call.
        Assert.Equal(200, (int)row["status_code"]!);
    }

    [Fact]
    public async Task A_user_without_rights_on_the_endpoint_gets_a_failed_statement_naming_the_refusal()
    {
        var user = await StatementNode.UserAsync(fixture.Node);
        var response = await user.ExecuteStatementAsync(new StatementRequest { Statement = TwoFlowers, WaitTimeout = "30s" });
        response = await StatementNode.EndAsync(user, response.StatementId!);

        Assert.True(response.Status?.State == "FAILED", response.Status?.Error?.Message);
        Assert.Contains("403 PERMISSION_DENIED", response.Status?.Error?.Message, StringComparison.Ordinal);
        Assert.Contains("iris-classifier", response.Status?.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_stops_a_statement_whose_model_call_never_answers()
    {
        using var release = new ManualResetEventSlim();
        var held = new TaskCompletionSource();
        fixture.OpenAi.ChatAnswer = body =>
        {
            held.TrySetResult();
            release.Wait(TimeSpan.FromMinutes(2)); // The provider hangs until the test ends.
            return "too late";
        };
        try
        {
            var admin = new ModelplaneClient(fixture.Node.Client, fixture.Node.Token);
            var submitted = await admin.ExecuteStatementAsync(new StatementRequest { Statement = "SELECT ai_query('chat', 'hold on')", WaitTimeout = "0s" });
            await held.Task.WaitAsync(TimeSpan.FromMinutes(1));
            await admin.CancelStatementAsync(submitted.StatementId!);

            var ended = await StatementNode.EndAsync(admin, submitted.StatementId!); // At most a minute; the call would hold it for two.
            Assert.Equal("CANCELED", ended.Status!.State);
        }
        finally
        {
            release.Set();
            fixture.OpenAi.ChatAnswer = null;
        }
    }
}
