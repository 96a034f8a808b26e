using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Worker.Protocol;

namespace Modelplane.Worker;

/// <summary>Generate frames (protocol v2): the OpenAI request in, one Chunk frame per streamed chunk, then End.</summary>
internal sealed partial class WorkerConnection
{
    private void StartGenerate(uint id, GenerateRequest request, FrameWriter writer) =>
        Start(id, writer, ct => GenerateAsync(id, request, writer, ct));

    private async Task GenerateAsync(uint id, GenerateRequest request, FrameWriter writer, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(request.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("worker.generate", ActivityKind.Server, parent);
        activity?.SetTag("modelplane.replica.request_id", id);
        try
        {
            var generator = server.Engine.Generator
                ?? throw ModelplaneException.InvalidParameter("This replica serves a tensor model; send a scoring request.");
            await foreach (var json in Chunks(generator, request, cancellationToken))
            {
                await writer.SendChunkAsync(id, json, CancellationToken.None);
            }

            await writer.SendEndAsync(id, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The node gave up on this request; it expects no answer.
        }
        catch (Exception ex) when (ex is ModelplaneException or JsonException)
        {
            var error = ex is ModelplaneException mp ? WorkerError.From(mp) : new WorkerError(ErrorCode.BadRequest, 400, "The request is not valid JSON: " + ex.Message);
            activity?.SetStatus(ActivityStatusCode.Error, error.ErrorCode);
            await SendQuietlyAsync(() => writer.SendErrorAsync(id, error, CancellationToken.None));
        }
        catch (Exception ex) when (ex is not (IOException or ObjectDisposedException or SocketException))
        {
            WorkerLog.Error($"Generation {id} failed: {ex}");
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            var error = new WorkerError(ErrorCode.InternalError, 500, "The model failed: " + ex.Message);
            await SendQuietlyAsync(() => writer.SendErrorAsync(id, error, CancellationToken.None));
        }
    }

    private static async IAsyncEnumerable<byte[]> Chunks(ITextGenerator generator, GenerateRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        switch (request.Task)
        {
            case LlmTask.Chat:
                var chat = JsonSerializer.Deserialize<ChatCompletionRequest>(request.Body.Span, LlmJson.Options)
                    ?? throw ModelplaneException.InvalidParameter("The request body is empty.");
                await foreach (var chunk in generator.StreamChatAsync(chat, ct))
                {
                    yield return JsonSerializer.SerializeToUtf8Bytes(chunk, LlmJson.Options);
                }

                break;
            case LlmTask.Completions:
                var completion = JsonSerializer.Deserialize<CompletionRequest>(request.Body.Span, LlmJson.Options)
                    ?? throw ModelplaneException.InvalidParameter("The request body is empty.");
                await foreach (var chunk in generator.StreamCompleteAsync(completion, ct))
                {
                    yield return JsonSerializer.SerializeToUtf8Bytes(chunk, LlmJson.Options);
                }

                break;
            default:
                throw ModelplaneException.InvalidParameter($"A text-generation replica serves {LlmTask.Chat} and {LlmTask.Completions}, not '{request.Task}'.");
        }
    }
}
