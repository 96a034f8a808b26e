using System.Diagnostics;
using System.Runtime.CompilerServices;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Tables;

/// <summary>
/// The outermost pipeline stage (DESIGN.md §3): records every request that reaches the endpoint's pipeline in
/// <c>system.serving.endpoint_usage</c> and, sampled, in the endpoint's payload table. Everything inside it (permission
/// 403s, rate-limit 429s, 400s of lazily decoded bodies, guardrail blocks, model failures) gets a row with the status
/// the caller saw; 401s never reach a pipeline. LLM streams are recorded when their enumeration ends — completed,
/// failed or abandoned — with the answer assembled into one object; a failure before the first chunk keeps its status,
/// one after it is a 200 (the status line was sent) with the error in <c>logging_error_details</c>. A request cancelled
/// by its client before any answer is recorded as 499. Rows are handed to <see cref="TableSink"/> without waiting.
/// </summary>
/// <param name="inner">The next stage (permission check).</param>
/// <param name="settings">What to record.</param>
/// <param name="rows">Builds the rows.</param>
/// <param name="sink">Where rows go.</param>
/// <param name="time">Clock for <c>request_time</c>.</param>
public sealed class CaptureStage(InvocationHandler inner, CaptureSettings settings, CaptureRows rows, TableSink sink, TimeProvider time)
    : DelegatingInvocationHandler(inner)
{
    /// <inheritdoc />
    public override async Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = time.GetUtcNow();
        // Decided up front, so a stream is assembled only when its payload row will be written.
        var sampled = settings.PayloadTable is not null && (settings.SamplingFraction >= 1 || Random.Shared.NextDouble() < settings.SamplingFraction);
        InvocationResult result;
        try
        {
            result = await Inner.InvokeAsync(context, cancellationToken);
        }
        catch (Exception ex)
        {
            Record(new Outcome(context, started, CaptureRows.StatusOf(ex), null, ex), sampled);
            throw;
        }

        switch (result.Llm)
        {
            case { ChatStream: { } chat }:
                var chunks = sampled ? new ChatCompletionAccumulator() : null;
                return result with { Llm = result.Llm with { ChatStream = Capture(chat, chunks is null ? null : chunks.Add, () => chunks?.ToCompletion(), context, started, sampled, CancellationToken.None) } };
            case { CompletionStream: { } completions }:
                var parts = sampled ? new CompletionAssembler() : null;
                return result with { Llm = result.Llm with { CompletionStream = Capture(completions, parts is null ? null : parts.Add, () => parts?.ToCompletion(), context, started, sampled, CancellationToken.None) } };
            default:
                Record(new Outcome(context, started, 200, result, null), sampled);
                return result;
        }
    }

    private async IAsyncEnumerable<T> Capture<T>(
        IAsyncEnumerable<T> stream, Action<T>? add, Func<object?> assemble, InvocationContext context, DateTimeOffset started, bool sampled,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var chunks = 0;
        var ended = false;
        Exception? failure = null;
        long modelTicks = 0;
        try
        {
            await using var e = stream.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                var before = Stopwatch.GetTimestamp();
                try
                {
                    if (!await e.MoveNextAsync())
                    {
                        ended = true;
                        break;
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                    throw;
                }
                finally
                {
                    modelTicks += Stopwatch.GetTimestamp() - before;
                }

                add?.Invoke(e.Current);
                chunks++;
                yield return e.Current;
            }
        }
        finally
        {
            var streamMs = modelTicks * 1000.0 / Stopwatch.Frequency;
            Record(
                failure is not null && chunks == 0
                ? new Outcome(context, started, CaptureRows.StatusOf(failure), null, failure) { ExtraModelMs = streamMs, Streamed = true }
                : new Outcome(context, started, 200, null, null)
                {
                    Assembled = assemble(),
                    StreamError = failure ?? (ended ? null : new OperationCanceledException($"The client stopped reading the stream after {chunks} chunk(s).")),
                    ExtraModelMs = streamMs,
                    Streamed = true,
                },
                sampled);
        }
    }

    /// <summary>Queues the rows (the payload row when <paramref name="sampled"/>); building them never fails the request (a
    /// row that cannot be built is dropped and counted).</summary>
    private void Record(Outcome outcome, bool sampled)
    {
        outcome = outcome with { Payload = CaptureRows.PayloadOf(outcome) };
        if (settings.Usage)
        {
            Offer(TableNames.EndpointUsage, () => rows.Usage(outcome, settings));
        }

        if (sampled && settings.PayloadTable is { } table)
        {
            Offer(table, () => rows.Payload(outcome, settings));
        }
    }

    private void Offer(string table, Func<ITableRow> build)
    {
        ITableRow row;
        try
        {
            row = build();
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException or ArgumentException)
        {
            sink.Dropped(settings.EndpointName, table);
            return;
        }

        sink.TryWrite(new TableRecord(table, settings.EndpointName, row));
    }
}

/// <summary>How one request ended, as <see cref="CaptureRows"/> turns it into rows.</summary>
/// <param name="Context">The request's context (ids, caller, payload, usage, timings, detections).</param>
/// <param name="Started">When it reached the pipeline.</param>
/// <param name="StatusCode">The status the caller saw.</param>
/// <param name="Result">The answer, when it was not streamed.</param>
/// <param name="Error">The failure the caller saw, or null.</param>
public sealed record Outcome(InvocationContext Context, DateTimeOffset Started, int StatusCode, InvocationResult? Result, Exception? Error)
{
    /// <summary>A stream's assembled answer (<c>chat.completion</c> or <c>text_completion</c>).</summary>
    public object? Assembled { get; init; }

    /// <summary>Why a stream that started did not finish normally, or null.</summary>
    public Exception? StreamError { get; init; }

    /// <summary>Model milliseconds spent while streaming, on top of <see cref="InvocationContext.ModelMilliseconds"/>.</summary>
    public double ExtraModelMs { get; init; }

    /// <summary>Whether the answer was a stream.</summary>
    public bool Streamed { get; init; }

    /// <summary>The decoded request, when there is one (<see cref="CaptureRows.PayloadOf"/>).</summary>
    public Serving.Payloads.InvocationPayload? Payload { get; init; }
}
