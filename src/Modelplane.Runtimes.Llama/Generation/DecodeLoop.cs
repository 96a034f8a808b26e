using System.Threading.Channels;
using LLama;
using LLama.Abstractions;
using LLama.Batched;
using LLama.Native;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Llama.Generation;

/// <summary>
/// The one loop that drives a model's <see cref="BatchedExecutor"/>: admits waiting jobs while their choices fit in the
/// free sequences (first come, first served), decodes all active sequences together in one <c>Infer</c> per step,
/// samples each with its own pipeline, and frees a sequence as soon as it finishes or its request is cancelled
/// (at the next step boundary; a sequence whose prompt is still queued for decoding is freed right after that decode).
/// </summary>
internal sealed class DecodeLoop : IDisposable
{
    private readonly Channel<GenerationJob> _incoming = Channel.CreateUnbounded<GenerationJob>(new() { SingleReader = true });
    private readonly Queue<GenerationJob> _waiting = new();
    private readonly List<SequenceState> _active = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly LLamaWeights _weights;
    private readonly IContextParams _contextParams;
    private readonly int _parallel;
    private readonly int _contextPerSequence;
    private readonly Task _loop;
    private BatchedExecutor _executor;

    public DecodeLoop(LLamaWeights weights, IContextParams contextParams, int parallel, int contextPerSequence)
    {
        _weights = weights;
        _contextParams = contextParams;
        _parallel = parallel;
        _contextPerSequence = contextPerSequence;
        _executor = new BatchedExecutor(weights, contextParams);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Test hook: called on the loop thread with <c>admit|first|finish|cancel {job id} {choice}</c>.</summary>
    internal Action<string>? Trace { get; set; }

    /// <summary>Sequences decoding now.</summary>
    public int ActiveSequences => Volatile.Read(ref _activeCount);

    private int _activeCount;

    /// <summary>Queues a job.</summary>
    /// <exception cref="ObjectDisposedException">The model was unloaded.</exception>
    public void Submit(GenerationJob job)
    {
        if (!_incoming.Writer.TryWrite(job))
        {
            throw new ObjectDisposedException(nameof(LlamaGenerator), "The model was unloaded.");
        }
    }

    public void Dispose()
    {
        _incoming.Writer.TryComplete();
        _stopping.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The loop ends with cancellation; nothing else to report at unload.
        }

        _executor.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                DropCancelled();
                Admit();
                if (_active.Count == 0)
                {
                    if (_waiting.Count == 0 && !await _incoming.Reader.WaitToReadAsync(_stopping.Token))
                    {
                        break;
                    }

                    continue;
                }

                var result = await _executor.Infer();
                if (result != DecodeResult.Ok)
                {
                    throw ModelplaneException.Unavailable($"llama.cpp decode failed ({result}); the request can be retried.");
                }

                Step();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Catch-all at the replica boundary: fail what is in flight, start a fresh context, keep serving.
                FailAll(e as ModelplaneException ?? new ModelplaneException(ErrorCode.InternalError, "Generation failed: " + e.Message, inner: e));
            }
        }

        FailAll(new ObjectDisposedException(nameof(LlamaGenerator), "The model was unloaded."));
    }

    private void Admit()
    {
        while (_incoming.Reader.TryRead(out var job))
        {
            _waiting.Enqueue(job);
        }

        while (_waiting.TryPeek(out var job))
        {
            if (job.IsCancelled)
            {
                _waiting.Dequeue();
                job.Fail(new OperationCanceledException());
                continue;
            }

            if (_active.Count + job.Settings.N > _parallel)
            {
                break;
            }

            _waiting.Dequeue();
            Trace?.Invoke($"admit {job.Id} 0");
            for (var i = 0; i < job.Settings.N; i++)
            {
                var conversation = _executor.Create();
                conversation.Prompt(job.Prompt);
                _active.Add(new SequenceState(job, i, conversation, _weights));
            }
        }

        Volatile.Write(ref _activeCount, _active.Count);
    }

    private void Step()
    {
        var context = _executor.Context.NativeHandle;
        foreach (var seq in _active.ToArray())
        {
            if (!seq.Conversation.RequiresSampling || seq.Job.IsCancelled)
            {
                continue;
            }

            var settings = seq.Job.Settings;
            TokenLogprob? logprob = null;
            var index = seq.Conversation.GetSampleIndex();
            var token = seq.Pipeline.Sample(context, index);
            if (settings.Logprobs)
            {
                // The pipeline samples from its own copy of the candidates; the raw logits are unchanged.
                logprob = Logprobs.Compute(context.GetLogitsIth(index), token, settings.TopLogprobs, _weights);
            }

            var wasStarted = seq.Started;
            var finish = seq.OnToken(token, logprob, seq.Conversation.TokenCount >= _contextPerSequence);
            if (!wasStarted && seq.Started)
            {
                Trace?.Invoke($"first {seq.Job.Id} {seq.Choice}");
            }

            if (finish is null)
            {
                seq.Conversation.Prompt(token);
                continue;
            }

            Trace?.Invoke($"finish {seq.Job.Id} {seq.Choice}");
            _active.Remove(seq);
            seq.Dispose();
        }

        Volatile.Write(ref _activeCount, _active.Count);
    }

    private void DropCancelled()
    {
        foreach (var seq in _active.ToArray())
        {
            if (seq.Job.IsCancelled && !seq.Conversation.RequiresInference)
            {
                Trace?.Invoke($"cancel {seq.Job.Id} {seq.Choice}");
                _active.Remove(seq);
                seq.Dispose();
                seq.Job.Fail(new OperationCanceledException());
            }
        }
    }

    private void FailAll(Exception error)
    {
        foreach (var seq in _active)
        {
            seq.Job.Fail(error);
            seq.Dispose();
        }

        _active.Clear();
        while (_waiting.TryDequeue(out var job))
        {
            job.Fail(error);
        }

        while (_incoming.Reader.TryRead(out var job))
        {
            job.Fail(error);
        }

        Volatile.Write(ref _activeCount, 0);
        if (!_stopping.IsCancellationRequested)
        {
            // Queued batches may still name the freed sequences: start over with a fresh context.
            _executor.Dispose();
            _executor = new BatchedExecutor(_weights, _contextParams);
        }
    }
}
