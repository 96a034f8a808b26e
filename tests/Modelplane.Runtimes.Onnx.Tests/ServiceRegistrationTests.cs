using Microsoft.Extensions.DependencyInjection;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public void AddOnnxRuntime_RegistersSingletonRuntimeAndInspector()
    {
        using var provider = new ServiceCollection().AddOnnxRuntime().BuildServiceProvider();

        var runtime = provider.GetRequiredService<IModelRuntime>();
        Assert.IsType<OnnxModelRuntime>(runtime);
        Assert.Same(runtime, provider.GetRequiredService<IModelRuntime>());
        Assert.Same(runtime, provider.GetRequiredService<OnnxModelRuntime>());
        var inspector = provider.GetRequiredService<IModelInspector>();
        Assert.IsType<OnnxModelInspector>(inspector);
        Assert.Same(inspector, provider.GetRequiredService<IModelInspector>());
    }
}
