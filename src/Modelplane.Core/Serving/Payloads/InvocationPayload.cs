using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>The input format a request came in, which also decides the shape of the answer.</summary>
public enum PayloadFormat
{
    /// <summary>MLflow <c>dataframe_split</c>: <c>{"columns", "data", "index"?}</c>; answered one record per row.</summary>
    DataframeSplit,
    /// <summary>MLflow <c>dataframe_records</c>: <c>[{col: value}]</c>; answered one record per row.</summary>
    DataframeRecords,
    /// <summary>TF-serving row format <c>instances</c>; answered one record per row.</summary>
    Instances,
    /// <summary>TF-serving columnar format <c>inputs</c>; answered as a dict of columns.</summary>
    Inputs,
    /// <summary><c>text/csv</c> with a header row; answered one record per row.</summary>
    Csv,
    /// <summary>KServe Open Inference Protocol v2 tensors.</summary>
    Oip,
    /// <summary>An OpenAI-shaped LLM request (chat, completions, embeddings); answered in the same API's shape.</summary>
    OpenAi,
}

/// <summary>A decoded request, before it meets a model's signature. Protocol adapters produce it; served entities consume it.</summary>
/// <param name="Format">The input format.</param>
public abstract record InvocationPayload(PayloadFormat Format)
{
    /// <summary>MLflow <c>params</c>, when given.</summary>
    public JsonElement? Params { get; init; }
}

/// <summary>Rows of named columns (dataframes, CSV, <c>instances</c> of objects).</summary>
/// <param name="Format">The input format.</param>
/// <param name="Columns">Column names in the order given.</param>
/// <param name="Rows">One cell per column per row; a missing cell is <c>null</c>.</param>
/// <param name="FromText">True for CSV: cells are strings to be parsed.</param>
public sealed record TablePayload(PayloadFormat Format, IReadOnlyList<string> Columns, IReadOnlyList<JsonElement?[]> Rows, bool FromText = false)
    : InvocationPayload(Format);

/// <summary>
/// Tensors by name (<c>inputs</c> as an object) or one unnamed tensor (<c>inputs</c> as an array, or <c>instances</c>
/// of scalars or arrays), still as JSON: the datatype comes from the model.
/// </summary>
/// <param name="Format">Inputs or Instances.</param>
/// <param name="Named">Named tensors, or null.</param>
/// <param name="Single">The one unnamed tensor, or null.</param>
public sealed record JsonTensorsPayload(PayloadFormat Format, IReadOnlyDictionary<string, JsonElement>? Named, JsonElement? Single)
    : InvocationPayload(Format);

/// <summary>OIP v2 tensors, already typed by their declared datatype, and the outputs asked for.</summary>
/// <param name="Tensors">Input tensors.</param>
/// <param name="Outputs">Output names asked for, or null for all.</param>
public sealed record TypedTensorsPayload(IReadOnlyList<Tensor> Tensors, IReadOnlyList<string>? Outputs)
    : InvocationPayload(PayloadFormat.Oip);
