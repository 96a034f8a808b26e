global using System.Net;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Logging;
