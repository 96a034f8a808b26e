using System.Net;
using System.Security.Cryptography;
using System.Text;
using Modelplane.Client;

namespace Modelplane.Cli.Tests;

/// <summary>The client's pure parts: error parsing, the waiter's decisions and back-off, the directory hash.</summary>
public class ClientTests
{
    [Theory]
    [InlineData("""{"error_code":"RESOURCE_CONFLICT","message":"Update in progress."}""", "RESOURCE_CONFLICT", "Update in progress.")]
    [InlineData("""{"error":{"message":"bad tool","type":"invalid_request_error","code":"BAD_REQUEST"}}""", "BAD_REQUEST", "bad tool")]
    [InlineData("""{"error":"shape mismatch","code":400}""", "RESOURCE_CONFLICT", "shape mismatch")]
    [InlineData("""{"message":"only a message"}""", "RESOURCE_CONFLICT", "only a message")]
    [InlineData("", "RESOURCE_CONFLICT", "HTTP 409 Conflict.")]
    public void Error_bodies_of_every_node_shape_are_read(string body, string code, string message)
    {
        var error = ErrorParser.Parse(HttpStatusCode.Conflict, body);

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.Message);
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
    }

    [Fact]
    public void Long_non_json_bodies_are_cut()
    {
        var error = ErrorParser.Parse(HttpStatusCode.BadGateway, new string('x', 1000));

        Assert.Equal("INTERNAL_ERROR", error.ErrorCode);
        Assert.True(error.Message.Length < 260);
    }

    [Fact]
    public void Backoff_is_one_second_more_per_try_up_to_ten()
    {
        var delays = Enumerable.Range(1, 12).Select(i => (int)ModelplaneClient.BackoffDelay(i).TotalSeconds);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10], delays);
    }

    [Theory]
    [InlineData("READY", "NOT_UPDATING", "DEPLOYMENT_READY", EndpointWaitState.Ready)]
    [InlineData("NOT_READY", "IN_PROGRESS", "DEPLOYMENT_CREATING", EndpointWaitState.Pending)]
    [InlineData("READY", "IN_PROGRESS", "DEPLOYMENT_READY", EndpointWaitState.Pending)]
    [InlineData("READY", "UPDATE_FAILED", "DEPLOYMENT_READY", EndpointWaitState.Failed)]
    [InlineData("NOT_READY", "UPDATE_CANCELED", "DEPLOYMENT_ABORTED", EndpointWaitState.Failed)]
    [InlineData("NOT_READY", "NOT_UPDATING", "DEPLOYMENT_FAILED", EndpointWaitState.Failed)]
    [InlineData("NOT_READY", "NOT_UPDATING", "DEPLOYMENT_CREATING", EndpointWaitState.Pending)]
    internal void The_waiter_reads_state_like_the_databricks_sdk(string ready, string update, string deployment, EndpointWaitState expected)
    {
        var endpoint = new ServingEndpoint
        {
            State = new EndpointState { Ready = ready, ConfigUpdate = update },
            Config = new EndpointConfig { ServedEntities = [new ServedEntity { Name = "iris-1", State = new ServedEntityState { Deployment = deployment } }] },
        };

        Assert.Equal(expected, ModelplaneClient.Classify(endpoint, out var failed));
        Assert.Equal(deployment is "DEPLOYMENT_FAILED" or "DEPLOYMENT_ABORTED", failed.Contains("iris-1"));
    }

    [Fact]
    internal void A_failed_update_names_the_failed_configs_entity_and_its_reason()
    {
        var endpoint = new ServingEndpoint
        {
            State = new EndpointState { Ready = "READY", ConfigUpdate = "UPDATE_FAILED" },
            Config = new EndpointConfig { ServedEntities = [new ServedEntity { Name = "llm-1", State = new ServedEntityState { Deployment = "DEPLOYMENT_READY" } }] },
            FailedConfig = new EndpointConfig
            {
                ServedEntities = [new ServedEntity { Name = "llm-2", State = new ServedEntityState { Deployment = "DEPLOYMENT_FAILED", DeploymentStateMessage = "GGUF file 'model.gguf' is truncated" } }],
            },
        };

        Assert.Equal(EndpointWaitState.Failed, ModelplaneClient.Classify(endpoint, out var failed));
        Assert.Equal(["llm-2"], failed);
    }

    [Fact]
    public void The_directory_hash_is_the_sha256_of_a_sorted_sha256sum_manifest()
    {
        var dir = Directory.CreateTempSubdirectory("modelplane-hash-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "b.txt"), "bee");
            Directory.CreateDirectory(Path.Combine(dir.FullName, "a"));
            File.WriteAllText(Path.Combine(dir.FullName, "a", "z.bin"), "zed");
            File.WriteAllText(Path.Combine(dir.FullName, ".hidden"), "not uploaded");
            static string Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
            var manifest = $"{Hex("zed")}  a/z.bin\n{Hex("bee")}  b.txt\n";

            var (sha256, size) = ModelDirectoryHash.Compute(dir.FullName);

            Assert.Equal(Hex(manifest), sha256);
            Assert.Equal(6, size);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("main.default.iris", true)]
    [InlineData("main.default", false)]
    [InlineData("a..c", false)]
    [InlineData("a.b.c.d", false)]
    public void Model_names_have_three_parts(string name, bool valid)
    {
        Assert.Equal(valid, ModelName.IsValid(name));
    }
}
