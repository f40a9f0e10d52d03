import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG } from '@callboard/config';

interface LoggingSettings {
  LOG_LEVEL: string;
  LOG_PRETTY: boolean;
}

/** Structured JSON logs (pino) for every service, with the service name on each line. */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (settings: LoggingSettings) => ({
            pinoHttp: {
              level: settings.LOG_LEVEL,
              base: { service },
              transport: settings.LOG_PRETTY ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
              // Health probes would drown everything else.
              autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
              redact: ['req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'req.headers["x-hub-signature"]'],
            },
          }),
        }),
      ],
    };
  }
}
