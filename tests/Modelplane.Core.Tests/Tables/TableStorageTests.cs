using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Core.Metrics;
using Modelplane.Core.Tables;
using Parquet;
using Parquet.Schema;

namespace Modelplane.Core.Tests.Tables;

public sealed class TableStorageTests : IDisposable
{
    private static readonly DateTime Day1 = new(2026, 11, 29, 23, 59, 59, DateTimeKind.Utc);
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "modelplane-tables-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(Day1));
    private readonly TableFiles files;

    public TableStorageTests() => files = new TableFiles(Options.Create(new ModelplaneOptions { DataDir = dataDir }));

    [Fact]
    public async Task StopFlushesEveryAcceptedRowIntoDatePartitions()
    {
        var options = Options.Create(new TablesOptions { ChannelCapacity = 5000, MaxBatchRows = 700, FlushIntervalMs = 3_600_000 });
        var sink = new TableSink(options, new ServingMetrics(), time, NullLogger<TableSink>.Instance);
        var writer = new TableWriterService(sink, files, options, time, new ServingMetrics(), NullLogger<TableWriterService>.Instance);
        await writer.StartAsync(default);
        for (var i = 0; i < 2500; i++)
        {
            Assert.True(sink.TryWrite(new TableRecord(TableNames.EndpointUsage, "chat", Usage(i, Day1.AddSeconds(i % 2 == 0 ? 0 : 1)))));
        }

        await writer.StopAsync(default); // the flush interval never elapses on the fake clock: only the stop writes the tail

        Assert.False(sink.TryWrite(new TableRecord(TableNames.EndpointUsage, "chat", Usage(9999, Day1))));
        var root = files.TableDir(TableNames.EndpointUsage);
        Assert.Equal(["request_date=2026-11-29", "request_date=2026-11-30"], Directory.GetDirectories(root).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));
        var (rows, next) = await files.ReadAsync<UsageRow>(TableNames.EndpointUsage, new DateTimeOffset(Day1.AddDays(-1)), 10_000, null, default);
        Assert.Null(next);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => $"r-{i}").Order(), rows.Select(r => r.DatabricksRequestId!).Order());
    }

    [Fact]
    public async Task ParquetFilesHaveTheDocumentedColumnTypes()
    {
        var path = await files.WriteAsync("main.logs.chat_payload", DateOnly.FromDateTime(Day1), [new PayloadRow
        {
            RequestDate = DateOnly.FromDateTime(Day1), DatabricksRequestId = "r", RequestTime = Day1, StatusCode = 200, SamplingFraction = 0.25,
            ExecutionDurationMs = 17, Request = "{}", Response = "{}", Requester = "ann@example.com",
        }], default);

        Assert.EndsWith(".parquet", path);
        Assert.Contains(Path.Combine("tables", "main.logs.chat_payload", "request_date=2026-11-29"), path);
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name);
        Assert.Equal(
            ["request_date", "databricks_request_id", "client_request_id", "request_time", "status_code", "sampling_fraction", "execution_duration_ms",
                "request", "response", "served_entity_id", "logging_error_details", "requester", "guardrail_detections"],
            reader.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(typeof(DateTime), fields["request_date"].ClrType);
        Assert.Equal(DateTimeFormat.Date, ((DateTimeDataField)fields["request_date"]).DateTimeFormat);
        Assert.Equal(typeof(DateTime), fields["request_time"].ClrType);
        Assert.Equal(DateTimeFormat.Timestamp, ((DateTimeDataField)fields["request_time"]).DateTimeFormat);
        Assert.Equal(typeof(int), fields["status_code"].ClrType);
        Assert.Equal(typeof(double), fields["sampling_fraction"].ClrType);
        Assert.Equal(typeof(long), fields["execution_duration_ms"].ClrType);
        Assert.Contains(fields["request"].ClrType, new[] { typeof(string), typeof(ReadOnlyMemory<char>) }); // UTF-8 STRING, read as either
        Assert.True(fields["request"].IsNullable);
        var back = (await Parquet.Serialization.ParquetSerializer.DeserializeAsync<PayloadRow>(path, new ParquetOptions { UseDateOnlyTypeForDates = true })).Data.Single();
        Assert.Equal((Day1, 0.25, 17L, "ann@example.com"), (back.RequestTime, back.SamplingFraction, back.ExecutionDurationMs, back.Requester));
        Assert.Equal(DateOnly.FromDateTime(Day1), back.RequestDate);
    }

    [Fact]
    public async Task ReadPagesWithSinceAndAnswersTheNewestWithout()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Usage(i, Day1.AddMinutes(i))).ToList();
        await files.WriteAsync(TableNames.EndpointUsage, DateOnly.FromDateTime(Day1), rows.Take(1).ToList(), default);
        await files.WriteAsync(TableNames.EndpointUsage, new DateOnly(2026, 11, 30), rows.Skip(1).ToList(), default);

        var (page1, next1) = await files.ReadAsync<UsageRow>(TableNames.EndpointUsage, new DateTimeOffset(Day1), 4, null, default);
        var (page2, next2) = await files.ReadAsync<UsageRow>(TableNames.EndpointUsage, new DateTimeOffset(next1!.Value), 4, null, default);
        var (page3, next3) = await files.ReadAsync<UsageRow>(TableNames.EndpointUsage, new DateTimeOffset(next2!.Value), 4, null, default);
        var (newest, none) = await files.ReadAsync<UsageRow>(TableNames.EndpointUsage, null, 3, null, default);
        var (odd, _) = await files.ReadAsync<UsageRow>(TableNames.EndpointUsage, null, 100, r => r.DatabricksRequestId![^1] % 2 == 1, default);

        Assert.Equal(["r-0", "r-1", "r-2", "r-3"], page1.Select(r => r.DatabricksRequestId));
        Assert.Equal(["r-4", "r-5", "r-6", "r-7"], page2.Select(r => r.DatabricksRequestId));
        Assert.Equal(["r-8", "r-9"], page3.Select(r => r.DatabricksRequestId));
        Assert.Null(next3);
        Assert.Equal(["r-7", "r-8", "r-9"], newest.Select(r => r.DatabricksRequestId));
        Assert.Null(none);
        Assert.Equal(["r-1", "r-3", "r-5", "r-7", "r-9"], odd.Select(r => r.DatabricksRequestId));
    }

    public void Dispose()
    {
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static UsageRow Usage(int i, DateTime at) => new() { DatabricksRequestId = $"r-{i}", RequestTime = at, StatusCode = 200, EndpointName = "chat" };
}
