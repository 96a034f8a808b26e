using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Runtimes.Embeddings;

/// <summary>
/// A loaded text-embedding model (<see cref="ModelFlavor.Embedding"/>) behind <see cref="ILoadedModel"/>: texts in
/// (<see cref="EmbeddingTensors.Input"/>, BYTES <c>[N]</c>), one vector and one token count per text out
/// (<see cref="EmbeddingTensors.Embedding"/> FP32 <c>[N, D]</c>, <see cref="EmbeddingTensors.TokenCount"/> INT64
/// <c>[N]</c>), rows aligned with the input so the adaptive batcher can stack and split requests. All N texts run as one
/// ONNX Runtime call, padded to the longest. Thread-safe; <see cref="Dispose"/> frees the session once the last run in
/// flight has finished. Create with <see cref="EmbeddingModelLoader.Load"/>.
/// </summary>
public sealed class EmbeddingModel : ILoadedModel
{
    private readonly InferenceSession _session;
    private readonly EmbeddingFlavorConfig _config;
    private readonly bool _feedsTokenTypes;
    private readonly string _modelPath;
    private int _activeRuns;
    private int _disposed;
    private int _released;

    internal EmbeddingModel(
        InferenceSession session, WordPieceTokenizer tokenizer, EmbeddingFlavorConfig config, int dimensions, bool feedsTokenTypes, string modelPath)
    {
        _session = session;
        Tokenizer = tokenizer;
        _config = config;
        Dimensions = dimensions;
        _feedsTokenTypes = feedsTokenTypes;
        _modelPath = modelPath;
        Signature = EmbeddingModelLoader.SignatureFor(dimensions);
    }

    /// <inheritdoc />
    public ModelSignature Signature { get; }

    /// <summary>D, the size of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>The model's tokenizer (truncating at <see cref="EmbeddingFlavorConfig.MaxLength"/>).</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Runs on the caller's thread; cancellation stops a long run through <see cref="RunOptions.Terminate"/>. Errors:
    /// <c>INVALID_PARAMETER_VALUE</c> naming <c>inputs</c> or <c>outputs</c> for anything but one BYTES <c>[N ≥ 1]</c>
    /// tensor named <see cref="EmbeddingTensors.Input"/> or an unknown output name; <c>INTERNAL_ERROR</c> when ONNX
    /// Runtime fails.
    /// </remarks>
    public Task<IReadOnlyList<ModelValue>> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<ModelValue>>(cancellationToken);
        }

        try
        {
            var texts = ReadTexts(inputs);
            var names = CheckOutputNames(outputNames);
            return Task.FromResult<IReadOnlyList<ModelValue>>(Guarded(() => Embed(texts, names, cancellationToken)));
        }
        catch (Exception ex)
        {
            return Task.FromException<IReadOnlyList<ModelValue>>(ex);
        }
    }

    /// <summary>Embeds texts directly: the rows of <see cref="EmbeddingTensors.Embedding"/> as arrays of D floats.</summary>
    /// <param name="texts">One or more texts.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One vector per text, in order, with the token count each text used.</returns>
    public (float[][] Vectors, long[] TokenCounts) Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var values = Guarded(() => Embed(texts, [EmbeddingTensors.Embedding, EmbeddingTensors.TokenCount], cancellationToken));
        var flat = (float[])((Tensor)values[0]).Data;
        var vectors = Enumerable.Range(0, texts.Count).Select(i => flat.AsSpan(i * Dimensions, Dimensions).ToArray()).ToArray();
        return (vectors, (long[])((Tensor)values[1]).Data);
    }

    /// <summary>Embeds rows of token ids as given (no tokenization or truncation), for checking pooling against
    /// another tokenizer's ids.</summary>
    /// <param name="ids">One or more rows of ids, each non-empty.</param>
    /// <returns>One vector per row.</returns>
    internal float[][] EmbedTokenIds(IReadOnlyList<long[]> ids) => Guarded(() =>
    {
        using var batch = TokenBatch.FromIds(ids, Tokenizer.PadId);
        var vectors = new float[ids.Count * Dimensions];
        RunSession(batch, vectors, CancellationToken.None);
        return Enumerable.Range(0, ids.Count).Select(i => vectors.AsSpan(i * Dimensions, Dimensions).ToArray()).ToArray();
    });

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        if (Volatile.Read(ref _activeRuns) == 0)
        {
            Release();
        }
    }

    private static string[] ReadTexts(IReadOnlyList<Tensor> inputs)
    {
        if (inputs is not [{ Name: EmbeddingTensors.Input, DataType: TensorDataType.String, Shape: [> 0] } input])
        {
            var got = string.Join(", ", inputs.Select(i => $"'{i.Name}' {i.DataType.ToOipName()} [{string.Join(",", i.Shape)}]"));
            throw ModelplaneException.InvalidParameter(
                $"inputs must be one BYTES tensor '{EmbeddingTensors.Input}' of shape [N], N >= 1 (one text per row); got {(got.Length == 0 ? "none" : got)}.");
        }

        return (string[])input.Data;
    }

    private static List<string> CheckOutputNames(IReadOnlyList<string>? outputNames)
    {
        if (outputNames is null)
        {
            return [EmbeddingTensors.Embedding, EmbeddingTensors.TokenCount];
        }

        foreach (var name in outputNames)
        {
            if (name is not (EmbeddingTensors.Embedding or EmbeddingTensors.TokenCount))
            {
                throw ModelplaneException.InvalidParameter(
                    $"outputs: '{name}' is not an output of an embedding model; use '{EmbeddingTensors.Embedding}' or '{EmbeddingTensors.TokenCount}'.");
            }
        }

        return [.. outputNames];
    }

    private T Guarded<T>(Func<T> run)
    {
        Interlocked.Increment(ref _activeRuns);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            return run();
        }
        finally
        {
            if (Interlocked.Decrement(ref _activeRuns) == 0 && Volatile.Read(ref _disposed) == 1)
            {
                Release();
            }
        }
    }

    private List<ModelValue> Embed(IReadOnlyList<string> texts, List<string> outputNames, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            throw ModelplaneException.InvalidParameter("input must hold at least one text.");
        }

        using var batch = TokenBatch.Create(Tokenizer, texts);
        var vectors = new float[texts.Count * Dimensions];
        if (outputNames.Contains(EmbeddingTensors.Embedding))
        {
            RunSession(batch, vectors, cancellationToken);
        }

        return outputNames.Select(name => name == EmbeddingTensors.Embedding
            ? new Tensor(name, TensorDataType.Float32, [texts.Count, Dimensions], vectors)
            : new Tensor(name, TensorDataType.Int64, [texts.Count], batch.Counts.ToArray())).ToList<ModelValue>();
    }

    private void RunSession(TokenBatch batch, float[] vectors, CancellationToken cancellationToken)
    {
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal)
        {
            [EmbeddingModelLoader.InputIds] = batch.InputIds,
            [EmbeddingModelLoader.AttentionMask] = batch.AttentionMask,
        };
        if (_feedsTokenTypes)
        {
            inputs[EmbeddingModelLoader.TokenTypeIds] = batch.TokenTypeIds;
        }

        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            results = _session.Run(runOptions, inputs, [_config.Output]);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The run was cancelled.", ex, cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelplaneException(ErrorCode.InternalError,
                $"ONNX Runtime failed while running embedding model '{Path.GetFileName(_modelPath)}': {EmbeddingSessionFactory.FirstLine(ex.Message)}", inner: ex);
        }

        using (results)
        {
            var shape = results[0].GetTensorTypeAndShape().Shape;
            if (shape is not [var b, var t, var d] || b != batch.Rows || t != batch.Tokens || d != Dimensions)
            {
                throw new ModelplaneException(ErrorCode.InternalError,
                    $"Embedding model output '{_config.Output}' has shape [{string.Join(",", shape)}]; expected [{batch.Rows},{batch.Tokens},{Dimensions}].");
            }

            EmbeddingPooling.Pool(results[0].GetTensorDataAsSpan<float>(), batch.Mask, batch.Rows, batch.Tokens, Dimensions,
                _config.Pooling, _config.Normalize, vectors);
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _session.Dispose();
        }
    }
}
