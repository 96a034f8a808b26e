// Adapter tests, one folder per provider, each against its wire-level fake on loopback (Modelplane.Testing.Providers).
global using static Modelplane.Providers.Tests.ProviderTestKit;
