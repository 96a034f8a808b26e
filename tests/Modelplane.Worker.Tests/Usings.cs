global using Modelplane.Abstractions;
global using Modelplane.Worker.Protocol;
