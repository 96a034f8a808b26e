using System.Runtime.CompilerServices;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;
using Modelplane.Abstractions;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.Bedrock;

/// <summary>One decoded event-stream frame: its string headers (<c>:message-type</c>, <c>:event-type</c>,
/// <c>:exception-type</c>, <c>:content-type</c>, …) and its payload.</summary>
/// <param name="Headers">String-valued headers by name (other header types are skipped).</param>
/// <param name="Payload">The payload bytes (JSON for Bedrock).</param>
internal sealed record EventStreamFrame(IReadOnlyDictionary<string, string> Headers, byte[] Payload)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// Decodes AWS event-stream framing (<c>application/vnd.amazon.eventstream</c>;
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream and
/// https://smithy.io/2.0/aws/amazon-eventstream.html: 4-byte total length, 4-byte headers length, prelude CRC32,
/// headers, payload, message CRC32) with AWSSDK.Core's <see cref="EventStreamDecoder"/>, which checks both CRCs and
/// accepts the bytes in any split. Feed it what arrives; it returns the frames completed so far.
/// </summary>
internal sealed class EventStreamFrameDecoder : IDisposable
{
    private readonly EventStreamDecoder decoder = new();
    private readonly Queue<EventStreamFrame> ready = new();
    private long fed;
    private long decoded;

    public EventStreamFrameDecoder() => decoder.MessageReceived += OnMessage;

    /// <summary>True when bytes of an unfinished frame are pending.</summary>
    public bool HasPartialFrame => fed != decoded;

    /// <summary>Feeds bytes; returns the frames they complete.</summary>
    /// <exception cref="ModelplaneException">502 when a frame is malformed or fails its CRC check.</exception>
    public IReadOnlyList<EventStreamFrame> Feed(byte[] buffer, int offset, int count)
    {
        fed += count;
        try
        {
            decoder.ProcessData(buffer, offset, count);
        }
        catch (Exception ex) when (ex is EventStreamChecksumFailureException or EventStreamParseException or EventStreamValidationException
            or EventStreamDecoderIllegalStateException or ArgumentException or IndexOutOfRangeException)
        {
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable,
                $"Upstream provider '{BedrockProvider.ProviderName}' sent an event-stream frame that could not be read: {ex.Message}", 502, ex);
        }

        var frames = ready.ToArray();
        ready.Clear();
        return frames;
    }

    /// <summary>Reads the frames of a response body as they arrive, disposing the response at the end.</summary>
    /// <exception cref="ModelplaneException">502 when the connection breaks, the body ends inside a frame, or a frame
    /// is malformed.</exception>
    public static async IAsyncEnumerable<EventStreamFrame> ReadAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (response)
        using (var decoder = new EventStreamFrameDecoder())
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var _ = body;
            var buffer = new byte[16 * 1024];
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    throw UpstreamHttp.BrokenStream(BedrockProvider.ProviderName, ex.Message, ex);
                }

                if (read == 0)
                {
                    if (decoder.HasPartialFrame)
                    {
                        throw UpstreamHttp.BrokenStream(BedrockProvider.ProviderName, "the body ended inside an event-stream frame");
                    }

                    yield break;
                }

                foreach (var frame in decoder.Feed(buffer, 0, read))
                {
                    yield return frame;
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        decoder.MessageReceived -= OnMessage;
        decoder.Dispose();
    }

    private void OnMessage(object? sender, EventStreamMessageReceivedEventArgs e)
    {
        var message = e.Message;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var headerBytes = 0;
        foreach (var (name, header) in message.Headers)
        {
            headerBytes += ((EventStreamHeader)header).GetWireSize();
            if (header.HeaderType == EventStreamHeaderType.String)
            {
                headers[name] = header.AsString();
            }
        }

        decoded += 12 + headerBytes + message.Payload.Length + 4;
        ready.Enqueue(new EventStreamFrame(headers, message.Payload));
    }
}
