using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Examples.Iris;

/// <summary>
/// Small edits on an ONNX graph, enough to turn ML.NET's export (every column as an output, <c>.output</c> suffixes,
/// <c>mlnet.*.unusedOutput</c> tensors) into a graph with only the inputs and outputs a client should see.
/// </summary>
public static class OnnxGraphEditor
{
    /// <summary>Renames a tensor everywhere it appears: node inputs and outputs, graph inputs and outputs, value infos.</summary>
    /// <param name="graph">The graph to edit.</param>
    /// <param name="from">Current name.</param>
    /// <param name="to">New name; must not already be used.</param>
    public static void RenameTensor(GraphProto graph, string from, string to)
    {
        if (TensorNames(graph).Contains(to))
        {
            throw new InvalidOperationException($"The graph already has a tensor named '{to}'.");
        }

        foreach (var node in graph.Node)
        {
            Replace(node.Input, from, to);
            Replace(node.Output, from, to);
        }

        foreach (var info in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Where(i => i.Name == from))
        {
            info.Name = to;
        }
    }

    /// <summary>
    /// Keeps exactly <paramref name="outputs"/> as the graph's outputs (in that order), then removes the nodes, value
    /// infos, initializers and graph inputs that none of them needs, and the value infos that repeat an output.
    /// </summary>
    /// <param name="graph">The graph to edit.</param>
    /// <param name="outputs">Names of existing graph outputs to keep.</param>
    public static void KeepOnlyOutputs(GraphProto graph, IReadOnlyList<string> outputs)
    {
        var kept = outputs.Select(name => graph.Output.SingleOrDefault(o => o.Name == name)
            ?? throw new InvalidOperationException($"The graph has no output named '{name}'.")).ToList();
        graph.Output.Clear();
        graph.Output.AddRange(kept);

        var needed = new HashSet<string>(outputs, StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (node.Output.Any(needed.Contains))
            {
                nodes.Add(node);
                needed.UnionWith(node.Input.Where(i => i.Length > 0));
            }
        }

        nodes.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        // value_info describes intermediate values only (ONNX IR): not graph outputs, not values no node produces.
        var produced = nodes.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        RemoveWhere(graph.ValueInfo, v => !produced.Contains(v.Name) || outputs.Contains(v.Name));
        RemoveWhere(graph.Initializer, t => !needed.Contains(t.Name));
        RemoveWhere(graph.Input, i => !needed.Contains(i.Name));
    }

    /// <summary>
    /// Replaces negative fixed dimensions (ML.NET writes the batch dimension as <c>dim_value: -1</c>) with the symbolic
    /// dimension <paramref name="name"/>, which is how ONNX spells a variable dimension. ONNX Runtime reports both as -1.
    /// </summary>
    /// <param name="graph">The graph to edit.</param>
    /// <param name="name">The dimension variable's name.</param>
    public static void MakeNegativeDimsSymbolic(GraphProto graph, string name)
    {
        var dims = graph.Input.Concat(graph.Output).Concat(graph.ValueInfo)
            .Where(v => v.Type?.TensorType?.Shape is not null)
            .SelectMany(v => v.Type.TensorType.Shape.Dim)
            .Where(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue < 0)
            .ToList();
        foreach (var dim in dims)
        {
            dim.DimParam = name;
        }
    }

    private static HashSet<string> TensorNames(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Input.Concat(n.Output))
            .Concat(graph.Input.Select(i => i.Name))
            .Concat(graph.Initializer.Select(i => i.Name))
            .ToHashSet(StringComparer.Ordinal);

    private static void Replace(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == from)
            {
                names[i] = to;
            }
        }
    }

    private static void RemoveWhere<T>(Google.Protobuf.Collections.RepeatedField<T> items, Func<T, bool> remove)
    {
        var keep = items.Where(i => !remove(i)).ToList();
        items.Clear();
        items.AddRange(keep);
    }
}
