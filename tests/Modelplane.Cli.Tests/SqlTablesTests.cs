using System.Text.Json.Nodes;
using Modelplane.Sql;

namespace Modelplane.Cli.Tests;

/// <summary>
/// <see cref="SqlTables"/>: finding the three-part names a statement uses (literals, comments, quoted identifiers,
/// case) and loading a source's rows into the session as typed tables, the reserved <c>system</c> and <c>main</c>
/// catalogs included.
/// </summary>
public sealed class SqlTablesTests
{
    [Fact]
    public void Names_are_found_outside_literals_and_comments_and_lower_cased()
    {
        var sql = """
            -- FROM a.b.commented_out
            /* nested /* a.b.c */ still.a.comment */
            SELECT 'x.y.literal', E'it\'s.a.literal', $$dollar.quoted.text$$, 1.5, t.col
            FROM System.Serving.Endpoint_Usage u
            JOIN "Main" . "logs" . "Chat_Payload" p ON p.x = u.x
            JOIN cat.sch.tbl.col_ref c ON true
            WHERE my.schema.func(1) AND "we""ird".s.t IS NOT NULL
            """;

        Assert.Equal(
            [new("system", "serving", "endpoint_usage"), new("main", "logs", "chat_payload"), new("cat", "sch", "tbl"), new SqlTableName("we\"ird", "s", "t")],
            SqlTables.FindNames(sql));
        Assert.Empty(SqlTables.FindNames("SELECT a.b FROM t WHERE s = 'a.b.c' -- x.y.z"));
    }

    [Fact]
    public async Task Tables_load_typed_under_reserved_catalogs_and_the_statement_is_rewritten()
    {
        var source = new Source();
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();

        var sql = "SELECT count(*) FROM system.serving.endpoint_usage u, \"MAIN\".logs.chat_payload p, lake.logs.empty_payload e -- system.serving.endpoint_usage";
        var rewritten = await SqlTables.LoadAsync(connection, sql, source, default);

        Assert.Equal("SELECT count(*) FROM \"modelplane_system\".serving.endpoint_usage u, \"modelplane_main\".logs.chat_payload p, lake.logs.empty_payload e -- system.serving.endpoint_usage", rewritten);
        Assert.Equal(["system.serving.endpoint_usage", "main.logs.chat_payload", "lake.logs.empty_payload"], source.Asked);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(request_time), typeof(status_code), request_streaming, input_token_count FROM modelplane_system.serving.endpoint_usage";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(("TIMESTAMP WITH TIME ZONE", "INTEGER", true, true), (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.IsDBNull(3)));
        }

        command.CommandText = "SELECT count(*), string_agg(column_name, ',') FROM (DESCRIBE lake.logs.empty_payload)";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(13L, reader.GetInt64(0));
            Assert.StartsWith("request_date,databricks_request_id,", reader.GetString(1), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_source_refusing_a_table_fails_the_statement_with_its_message_and_unknown_names_are_duckdbs()
    {
        using var session = SqlSession.Open(new SqlSessionOptions { Tables = new Source() });

        var refused = await Assert.ThrowsAsync<SqlException>(() => session.ExecuteAsync("SELECT * FROM system.serving.served_entities", default));
        var unknown = await Assert.ThrowsAsync<SqlException>(() => session.ExecuteAsync("SELECT * FROM other.place.things", default));
        var joined = await session.ExecuteAsync("SELECT p.status_code, u.requester FROM main.logs.chat_payload p JOIN system.serving.endpoint_usage u USING (databricks_request_id)", default);

        Assert.Equal("Reading system.serving.served_entities needs workspace admin.", refused.Message);
        Assert.Contains("does not exist", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(new object?[] { 404, "ann@example.com" }, Assert.Single(joined.Rows));
    }

    /// <summary>A table source over fixed rows: one usage row, one payload row, an empty payload table, and a refusal.</summary>
    private sealed class Source : ISqlTableSource
    {
        public List<string> Asked { get; } = [];

        public Task<SqlTableData?> ReadAsync(SqlTableName name, CancellationToken cancellationToken)
        {
            Asked.Add(name.ToString());
            return Task.FromResult<SqlTableData?>(name.ToString() switch
            {
                "system.serving.endpoint_usage" => new(NodeTableSchemas.EndpointUsage, [Row("""{"databricks_request_id":"r1","request_time":"2026-11-30T05:00:00.123456Z","status_code":404,"requester":"ann@example.com","request_streaming":true,"input_token_count":null}""")]),
                "main.logs.chat_payload" => new(NodeTableSchemas.Payload, [Row("""{"request_date":"2026-11-30","databricks_request_id":"r1","status_code":404,"sampling_fraction":1,"execution_duration_ms":12}""")]),
                "lake.logs.empty_payload" => new(NodeTableSchemas.Payload, []),
                "system.serving.served_entities" => throw new SqlException("Reading system.serving.served_entities needs workspace admin."),
                _ => null,
            });
        }

        private static JsonObject Row(string json) => JsonNode.Parse(json)!.AsObject();
    }
}
