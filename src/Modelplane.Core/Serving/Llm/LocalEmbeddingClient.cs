using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Serving.Batching;
using Modelplane.Core.Serving.Replicas;

namespace Modelplane.Core.Serving.Llm;

/// <summary>
/// OpenAI embeddings (<c>POST /v1/embeddings</c>) on a local embedding model: the request's texts become one
/// <c>BYTES</c> tensor (<see cref="EmbeddingTensors"/>) run by a worker replica in one ONNX call; with adaptive batching
/// on, concurrent requests share that call. <c>dimensions</c> keeps the first <c>d</c> components and L2-normalizes
/// them again (as OpenAI does for its shortened embeddings); <c>usage.prompt_tokens</c> is the sum of the tokens the
/// model saw. Token-array inputs are refused (a local model's vocabulary is not OpenAI's).
/// </summary>
/// <param name="pool">The entity's replicas; the client owns it.</param>
/// <param name="batcher">The adaptive batcher in front of the pool, or null; the client owns it.</param>
/// <param name="modelName">The <c>model</c> reported in answers.</param>
/// <param name="dimensions">The model's vector size.</param>
public sealed class LocalEmbeddingClient(ReplicaPool pool, AdaptiveBatcher? batcher, string modelName, int dimensions)
    : LlmClientBase("modelplane_embedding"), IAsyncDisposable
{
    private static readonly string[] Outputs = [EmbeddingTensors.Embedding, EmbeddingTensors.TokenCount];

    /// <summary>The replicas.</summary>
    public ReplicaPool Pool { get; } = pool;

    /// <summary>Whether concurrent requests are batched.</summary>
    public bool Batching => batcher is not null;

    /// <inheritdoc />
    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var texts = request.InputTexts();
        if (texts.Count == 0)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, "'input' must be a string or an array of strings; token arrays are not supported by local embedding models.") { Param = "input" };
        }

        var wanted = request.Dimensions ?? dimensions;
        if (wanted > dimensions)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"'dimensions' is {wanted}; {modelName} gives at most {dimensions}.") { Param = "dimensions" };
        }

        var input = new Tensor(EmbeddingTensors.Input, TensorDataType.String, [texts.Count], texts.ToArray());
        var outputs = batcher is not null
            ? await batcher.InvokeAsync([input], Outputs, cancellationToken)
            : await Pool.InferAsync([input], Outputs, null, cancellationToken);
        var vectors = (float[])Output(outputs, EmbeddingTensors.Embedding).Data;
        var tokens = (long[])Output(outputs, EmbeddingTensors.TokenCount).Data;
        var response = new EmbeddingResponse { Model = modelName, Usage = Usage.Of((int)tokens.Sum(), null) };
        for (var i = 0; i < texts.Count; i++)
        {
            var vector = Shorten(vectors.AsSpan(i * dimensions, dimensions), wanted);
            response.Data.Add(new EmbeddingData { Index = i, Embedding = JsonSerializer.SerializeToElement(vector) });
        }

        return response;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Pool.DisposeAsync();
        if (batcher is not null)
        {
            await batcher.DisposeAsync();
        }
    }

    private static float[] Shorten(ReadOnlySpan<float> vector, int wanted)
    {
        var result = vector[..wanted].ToArray();
        if (wanted < vector.Length)
        {
            var norm = MathF.Sqrt(result.Sum(v => v * v));
            for (var i = 0; i < result.Length; i++)
            {
                result[i] /= Math.Max(norm, 1e-12f);
            }
        }

        return result;
    }

    private Tensor Output(IReadOnlyList<ModelValue> outputs, string name) =>
        outputs.OfType<Tensor>().FirstOrDefault(t => t.Name == name)
        ?? throw new ModelplaneException(ErrorCode.InternalError, $"The replica of {modelName} gave no '{name}' output.");
}
