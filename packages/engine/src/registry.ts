import { AirlockError, type AnyDriver } from '@airlock/core';

/** The drivers the CLI hands to the engine; the engine knows no content type by itself. */
export class DriverRegistry {
  private readonly drivers = new Map<string, AnyDriver>();

  constructor(drivers: AnyDriver[]) {
    for (const driver of drivers) this.drivers.set(driver.type, driver);
  }

  get types(): string[] {
    return [...this.drivers.keys()].sort();
  }

  has(type: string): boolean {
    return this.drivers.has(type);
  }

  get(type: string): AnyDriver {
    const driver = this.drivers.get(type);
    if (!driver) throw new AirlockError('DRIVER_UNKNOWN', `unknown content type ${JSON.stringify(type)}; known types: ${this.types.join(', ')}`);
    return driver;
  }
}
