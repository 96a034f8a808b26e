using Modelplane.Examples.Iris;

// Trains the Iris classifier, exports it to ONNX, checks the graph in ONNX Runtime against ML.NET, and writes the
// MLflow model directory. Usage: dotnet run --project examples/iris -- [--out DIR] [--data CSV]
var output = Option(args, "--out") ?? IrisPaths.ModelDirectory;
var data = Option(args, "--data") ?? IrisPaths.DataFile;

var rows = IrisTrainer.ReadCsv(data);
var trained = IrisTrainer.Train(rows);
var onnx = IrisOnnxExporter.Export(trained);
var check = IrisExportCheck.Run(trained, onnx, rows);

Console.WriteLine($"Trained on {rows.Count} rows from {data}");
Console.WriteLine($"Graph inputs:  {string.Join(", ", check.InputNames)}");
Console.WriteLine($"Graph outputs: {string.Join(", ", check.OutputNames)}");
Console.WriteLine($"Class order of probabilities: {string.Join(", ", trained.ClassOrder)}");
Console.WriteLine($"Accuracy on the training rows: ML.NET {check.MlNetCorrect}/{check.Rows}, ONNX Runtime {check.OnnxCorrect}/{check.Rows}");
Console.WriteLine($"ONNX Runtime vs ML.NET: {check.LabelMismatches} label mismatches, max probability difference {check.MaxProbabilityDifference:G3}");
if (!check.Passed)
{
    Console.Error.WriteLine("The exported graph does not match ML.NET; nothing written.");
    return 1;
}

MlflowModelWriter.Write(output, onnx, MlflowInputExample.PickRows(rows));
Console.WriteLine($"Wrote {string.Join(", ", MlflowModelWriter.FileNames)} to {Path.GetFullPath(output)}");
return 0;

static string? Option(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
