namespace Modelplane.Core.Serving.Workers;

/// <summary>The last lines a worker wrote (stdout and stderr), to explain a failed start.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Math.Max(1, capacity))
            {
                _lines.Dequeue();
            }
        }
    }

    /// <summary>" Last output: a | b | c", or empty when the worker wrote nothing.</summary>
    public string Describe()
    {
        lock (_lines)
        {
            return _lines.Count == 0 ? " It wrote no output." : " Last output: " + string.Join(" | ", _lines);
        }
    }
}
