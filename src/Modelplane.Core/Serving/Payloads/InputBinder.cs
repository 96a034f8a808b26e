using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>
/// Binds a decoded payload to a model's inputs, as MLflow's onnx flavor does: dataframe columns feed graph inputs of the
/// same name (each column one tensor, rows stacked on the first axis); a graph with one input whose name is not a column
/// takes all columns stacked as <c>[rows, columns]</c>. Column-based MLflow signatures are enforced first (missing
/// required or unknown columns are 400). Every element is converted to the graph's datatype by <see cref="JsonScalars"/>.
/// </summary>
public static class InputBinder
{
    /// <summary>Builds the graph's input tensors from a payload.</summary>
    /// <param name="payload">The decoded request.</param>
    /// <param name="graph">The model's own (graph) signature: names, datatypes and shapes of the inputs.</param>
    /// <param name="declared">The MLflow signature the version was registered with, if any.</param>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the column or input at fault.</exception>
    public static IReadOnlyList<Tensor> Bind(InvocationPayload payload, ModelSignature graph, ModelSignature? declared) => payload switch
    {
        TablePayload t => BindTable(t, graph, declared),
        JsonTensorsPayload j => BindJsonTensors(j, graph),
        TypedTensorsPayload o => BindTyped(o, graph),
        _ => throw new ArgumentException("Unknown payload type.", nameof(payload)),
    };

    private static List<Tensor> BindTable(TablePayload table, ModelSignature graph, ModelSignature? declared)
    {
        var columns = table.Columns;
        if (declared is { Kind: SignatureKind.Columns })
        {
            var problems = declared.Inputs.Where(c => c.Required && c.Name is not null && !columns.Contains(c.Name)).Select(c => $"missing required column '{c.Name}'")
                .Concat(columns.Where(c => declared.FindInput(c) is null).Select(c => $"unknown column '{c}'"))
                .ToList();
            if (problems.Count > 0)
            {
                var text = string.Join("; ", problems);
                throw ModelplaneException.InvalidParameter($"{char.ToUpperInvariant(text[0])}{text[1..]} (signature: {Describe(declared)}).");
            }
        }

        if (graph.Inputs.All(i => columns.Contains(i.Name!)))
        {
            var unknown = columns.FirstOrDefault(c => graph.FindInput(c) is null);
            if (unknown is not null && declared is not { Kind: SignatureKind.Columns })
            {
                throw ModelplaneException.InvalidParameter($"Unknown column '{unknown}'; the model's inputs are {Describe(graph)}.");
            }

            return [.. graph.Inputs.Select(i => ColumnTensor(table, columns.ToList().IndexOf(i.Name!), i))];
        }

        if (graph.Inputs.Count == 1)
        {
            var order = declared is { Kind: SignatureKind.Columns }
                ? declared.Inputs.Where(c => columns.Contains(c.Name!)).Select(c => columns.ToList().IndexOf(c.Name!)).ToList()
                : [.. Enumerable.Range(0, columns.Count)];
            return [StackedTensor(table, order, graph.Inputs[0])];
        }

        var absent = graph.Inputs.First(i => !columns.Contains(i.Name!));
        throw ModelplaneException.InvalidParameter($"Missing input '{absent.Name}'; the model's inputs are {Describe(graph)}.");
    }

    private static Tensor ColumnTensor(TablePayload table, int column, TensorSpec input)
    {
        var field = $"Column '{input.Name}'";
        var cells = new List<JsonElement>(table.Rows.Count);
        long[]? cellShape = null;
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var cell = table.Rows[r][column] ?? throw ModelplaneException.InvalidParameter($"{field}: row {r} has no value.");
            var shape = cell.ValueKind is JsonValueKind.Array or JsonValueKind.Object ? TensorBuilder.InferShape(cell, $"{field}, row {r}") : [];
            if (cellShape is not null && !shape.SequenceEqual(cellShape))
            {
                throw ModelplaneException.InvalidParameter($"{field}: ragged values: row {r} has shape [{string.Join(",", shape)}], row 0 [{string.Join(",", cellShape)}].");
            }

            cellShape = shape;
            TensorBuilder.Flatten(cell, cells);
        }

        long[] full = [table.Rows.Count, .. cellShape ?? []];
        if (input.Shape is { Length: 2 } s && full.Length == 1 && s[1] is 1 or -1)
        {
            full = [table.Rows.Count, 1];
        }

        return Checked(TensorBuilder.FromFlat(input.Name!, cells, full, input.DataType, field, table.FromText), input, field);
    }

    private static Tensor StackedTensor(TablePayload table, List<int> order, TensorSpec input)
    {
        var cells = new List<JsonElement>(table.Rows.Count * order.Count);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            foreach (var c in order)
            {
                cells.Add(table.Rows[r][c] ?? throw ModelplaneException.InvalidParameter($"Column '{table.Columns[c]}': row {r} has no value."));
            }
        }

        var field = $"Input '{input.Name}' (columns {string.Join(", ", order.Select(c => table.Columns[c]))})";
        return Checked(TensorBuilder.FromFlat(input.Name!, cells, [table.Rows.Count, order.Count], input.DataType, field, table.FromText), input, field);
    }

    private static List<Tensor> BindJsonTensors(JsonTensorsPayload payload, ModelSignature graph)
    {
        if (payload.Single is { } single)
        {
            if (graph.Inputs.Count != 1)
            {
                throw ModelplaneException.InvalidParameter($"An unnamed tensor was given but the model has {graph.Inputs.Count} inputs ({Describe(graph)}); name them in 'inputs'.");
            }

            var only = graph.Inputs[0];
            return [Checked(TensorBuilder.FromNested(only.Name!, single, only.DataType, $"Input '{only.Name}'"), only, $"Input '{only.Name}'")];
        }

        var named = payload.Named!;
        var unknown = named.Keys.FirstOrDefault(k => graph.FindInput(k) is null);
        if (unknown is not null)
        {
            throw ModelplaneException.InvalidParameter($"Unknown input '{unknown}'; the model's inputs are {Describe(graph)}.");
        }

        return [.. graph.Inputs.Select(i => named.TryGetValue(i.Name!, out var v)
            ? Checked(TensorBuilder.FromNested(i.Name!, v, i.DataType, $"Input '{i.Name}'"), i, $"Input '{i.Name}'")
            : throw ModelplaneException.InvalidParameter($"Missing input '{i.Name}'; the model's inputs are {Describe(graph)}."))];
    }

    private static List<Tensor> BindTyped(TypedTensorsPayload payload, ModelSignature graph)
    {
        var unknown = payload.Tensors.FirstOrDefault(t => graph.FindInput(t.Name) is null);
        if (unknown is not null)
        {
            throw ModelplaneException.InvalidParameter($"Unknown input '{unknown.Name}'; the model's inputs are {Describe(graph)}.");
        }

        return [.. graph.Inputs.Select(i =>
        {
            var t = payload.Tensors.FirstOrDefault(t => t.Name == i.Name)
                ?? throw ModelplaneException.InvalidParameter($"Missing input '{i.Name}'; the model's inputs are {Describe(graph)}.");
            return t.DataType == i.DataType ? Checked(t, i, $"Input '{i.Name}'")
                : throw ModelplaneException.InvalidParameter($"Input '{i.Name}': datatype {t.DataType.ToOipName()} does not match the model's {i.DataType.ToOipName()}.");
        })];
    }

    /// <summary>Checks rank and fixed dimensions against the spec so the error names the input before the engine sees it.</summary>
    private static Tensor Checked(Tensor t, TensorSpec spec, string field)
    {
        if (spec.Shape is null)
        {
            return t;
        }

        if (spec.Shape.Length != t.Shape.Length)
        {
            throw ModelplaneException.InvalidParameter($"{field}: expected rank {spec.Shape.Length} (shape [{string.Join(",", spec.Shape)}]), got rank {t.Shape.Length} (shape [{string.Join(",", t.Shape)}]).");
        }

        for (var d = 0; d < spec.Shape.Length; d++)
        {
            if (spec.Shape[d] >= 0 && spec.Shape[d] != t.Shape[d])
            {
                throw ModelplaneException.InvalidParameter($"{field}: dimension {d} must be {spec.Shape[d]}, got {t.Shape[d]} (shape [{string.Join(",", t.Shape)}]).");
            }
        }

        return t;
    }

    private static string Describe(ModelSignature s) =>
        string.Join(", ", s.Inputs.Select(i => $"{i.Name} ({i.DataType.ToNumpyName()}{(i.Shape is null ? "" : $" [{string.Join(",", i.Shape)}]")})"));
}
