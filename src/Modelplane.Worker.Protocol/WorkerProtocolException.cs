namespace Modelplane.Worker.Protocol;

/// <summary>The peer sent bytes that are not a valid frame or message of the protocol; the connection is unusable.</summary>
public sealed class WorkerProtocolException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WorkerProtocolException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public WorkerProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and cause.</summary>
    public WorkerProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
