using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Layers
{
    /// <summary>Every layer kind the language knows, by attribute name: each <see cref="LayerRule"/> subclass in this assembly.</summary>
    public static class LayerCatalog
    {
        private static readonly Dictionary<string, LayerRule> s_rules = typeof(LayerRule).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(LayerRule).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (LayerRule)Activator.CreateInstance(t))
            .ToDictionary(r => r.Name, StringComparer.Ordinal);

        /// <summary>The rules, by attribute name.</summary>
        public static IReadOnlyDictionary<string, LayerRule> All => s_rules;

        /// <summary>The rule of an attribute (its name without "Attribute"), or false when it is not a layer.</summary>
        public static bool TryGet(string name, out LayerRule rule) => s_rules.TryGetValue(name, out rule!);
    }
}
